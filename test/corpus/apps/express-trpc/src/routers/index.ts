// The app router: feature routers merged with procedures of its own.
import { z } from 'zod';
import { greeting } from '../lib/format';
import { publicProcedure, router } from '../trpc';
import { todosRouter } from './todos';

export const appRouter = router({
  todos: todosRouter,
  greet: publicProcedure.input(z.object({ name: z.string() })).query(({ input, ctx }) => {
    return { text: greeting(input.name), user: ctx.user };
  }),
});

export type AppRouter = typeof appRouter;
