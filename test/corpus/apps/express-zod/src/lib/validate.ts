import type { NextFunction, Request, Response } from 'express';
import type { ZodType } from 'zod';

// A middleware made per route from a schema: the body is parsed, or the request ends with 400.
export function validateBody(schema: ZodType) {
  return (req: Request, res: Response, next: NextFunction) => {
    const result = schema.safeParse(req.body);
    if (!result.success) {
      res.status(400).json({ error: 'invalid body', issues: result.error.issues.map((issue) => issue.message) });
      return;
    }
    req.body = result.data;
    next();
  };
}
