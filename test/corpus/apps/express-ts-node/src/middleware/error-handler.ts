import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../utils/http-error';

// Express tells an error handler by its four parameters.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
export function errorHandler(err: Error, _req: Request, res: Response, _next: NextFunction) {
  const status = err instanceof HttpError ? err.status : 500;
  res.status(status).json({ error: err.message });
}
