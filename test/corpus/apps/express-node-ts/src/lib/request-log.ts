import type { NextFunction, Request, Response } from 'express';

let seen = 0;

export function requestLog(_req: Request, res: Response, next: NextFunction): void {
  seen++;
  res.setHeader('X-Seen', String(seen));
  next();
}
