import type { NextFunction, Request, Response } from 'express';

let served = 0;

export function requestLogger(req: Request, res: Response, next: NextFunction) {
  served += 1;
  res.setHeader('X-Served', String(served));
  next();
}
