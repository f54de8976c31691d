import type { NextFunction, Request, Response } from 'express';

export function requestTimer(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('x-served-by', 'tasks-api');
  next();
}
