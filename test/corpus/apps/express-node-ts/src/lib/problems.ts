import type { Response } from 'express';

export function notFound(res: Response, what: string): void {
  res.status(404).json({ error: `${what} not found` });
}

export function badRequest(res: Response, detail: string): void {
  res.status(400).json({ error: detail });
}
