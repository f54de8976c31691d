import type { NextFunction, Request, Response } from 'express';

let served = 0;

export function requestCounter(_req: Request, res: Response, next: NextFunction) {
  served++;
  res.setHeader('X-Requests-Served', String(served));
  next();
}
