import type { RequestHandler } from 'express';

// A middleware factory as a default export, called once where the app is set up.
export default function timing(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader('X-Powered-By', 'corpus');
    next();
  };
}
