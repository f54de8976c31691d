// Middleware made by a factory and configured once, at import, as express-rate-limit, cors or
// body-parser's are: the app registers the function the factory returned.
function maxTitleLength(limit) {
  return (req, res, next) => {
    if (req.method === 'POST' && String(req.body?.title ?? '').length > limit) {
      return res.status(413).json({ error: `title longer than ${limit} characters` });
    }
    next();
  };
}

export const titleLimit = maxTitleLength(60);
