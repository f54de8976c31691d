const runs = new Map();

function record(job, result) {
  const entry = runs.get(job) ?? { runs: 0, last: undefined };
  entry.runs += 1;
  entry.last = result;
  runs.set(job, entry);
}

function snapshot() {
  return Object.fromEntries(runs);
}

module.exports = { record, snapshot };
