// Every request, newest last: the last KEPT of them.
const KEPT = 50;
const log = [];

function requestLog(req, res, next) {
  const started = Date.now();
  res.on('finish', () => {
    log.push({ method: req.method, path: req.originalUrl, status: res.statusCode, ms: Date.now() - started });
    if (log.length > KEPT) log.shift();
  });
  next();
}

function recentRequests() {
  return log.filter((entry) => entry.path !== '/health').slice(-10);
}

module.exports = { requestLog, recentRequests };
