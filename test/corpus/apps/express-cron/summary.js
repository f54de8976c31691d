function summarize(notes) {
  return `${notes.length} notes`;
}

module.exports = { summarize };
