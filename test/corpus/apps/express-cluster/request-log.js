// The last requests this worker served, for the /log route a debugging session reads.
const recent = [];

function requestLog(req, res, next) {
  recent.push(`${req.method} ${req.url}`);
  if (recent.length > 50) recent.shift();
  next();
}

module.exports = { requestLog, recent };
