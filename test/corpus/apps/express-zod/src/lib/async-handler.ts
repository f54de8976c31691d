import type { NextFunction, Request, Response } from 'express';

type AsyncRoute = (req: Request, res: Response, next: NextFunction) => Promise<unknown>;

// Express 4 habit kept in Express 5 apps: every async route goes through this wrapper, which
// hands a rejected promise to the error handler.
export const asyncHandler =
  (route: AsyncRoute) =>
  (req: Request, res: Response, next: NextFunction): void => {
    route(req, res, next).catch(next);
  };
