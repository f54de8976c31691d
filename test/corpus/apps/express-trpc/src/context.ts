// What every procedure gets: made per request by the function handed to the adapter at startup.
import type { CreateExpressContextOptions } from '@trpc/server/adapters/express';

let requests = 0;

export function createContext({ req, res }: CreateExpressContextOptions) {
  requests += 1;
  const user = typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : 'anonymous';
  return { req, res, user, requestNumber: requests };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
