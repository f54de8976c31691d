let issued = 0;

function requestId(req, res, next) {
  issued += 1;
  res.set('X-Request-Id', `req-${issued}`);
  next();
}

module.exports = { requestId };
