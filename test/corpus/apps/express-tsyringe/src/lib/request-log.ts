import type { NextFunction, Request, Response } from 'express';
import { singleton } from 'tsyringe';

/** What the app was asked, newest last: a singleton whose middleware is an arrow field. */
@singleton()
export class RequestLog {
  private readonly entries: string[] = [];

  middleware = (req: Request, _res: Response, next: NextFunction): void => {
    if (req.path !== '/health') this.entries.push(`${req.method} ${req.path}`);
    next();
  };

  recent(limit: number): string[] {
    return this.entries.slice(-limit);
  }
}
