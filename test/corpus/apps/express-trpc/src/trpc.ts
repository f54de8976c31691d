// The tRPC instance, made once: the router and procedure builders every router module uses,
// and a middleware that names the procedure a response came from.
import { initTRPC } from '@trpc/server';
import type { Context } from './context';

const t = initTRPC.context<Context>().create();

export const router = t.router;

export const publicProcedure = t.procedure.use(async ({ ctx, path, next }) => {
  ctx.res.setHeader('X-Procedure', path);
  return next();
});
