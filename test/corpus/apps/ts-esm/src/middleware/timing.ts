import type { RequestHandler } from 'express';

// A middleware factory as a default export, called once where the app is set up.
export default function timing(): RequestHandler {
  return (_req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      void (process.hrtime.bigint() - started);
    });
    res.setHeader('X-Powered-By', 'corpus');
    next();
  };
}
