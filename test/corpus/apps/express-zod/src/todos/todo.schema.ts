import { z } from 'zod';

export const CreateTodo = z.object({
  title: z.string().trim().min(1, 'title is required'),
  done: z.boolean().default(false),
});

export type CreateTodoInput = z.infer<typeof CreateTodo>;
export interface Todo extends CreateTodoInput {
  id: number;
}
