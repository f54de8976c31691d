// A feature router: its procedures are built once, when the app router is made; the todos live
// in this module.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { formatTitle } from '../lib/format';
import { publicProcedure, router } from '../trpc';

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

const todos: Todo[] = [{ id: 1, title: 'Read the hapi docs', done: false }];
let nextId = 2;

export const todosRouter = router({
  list: publicProcedure.query(() => {
    return todos;
  }),

  byId: publicProcedure.input(z.object({ id: z.number() })).query(({ input }) => {
    const todo = todos.find((t) => t.id === input.id);
    if (!todo) throw new TRPCError({ code: 'NOT_FOUND', message: `no todo ${input.id}` });
    return todo;
  }),

  add: publicProcedure.input(z.object({ title: z.string() })).mutation(({ input }) => {
    const todo: Todo = { id: nextId++, title: formatTitle(input.title), done: false };
    todos.push(todo);
    return todo;
  }),
});
