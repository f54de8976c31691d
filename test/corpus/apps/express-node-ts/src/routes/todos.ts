import { Router, type Request, type Response } from 'express';
import { settings } from '../settings.ts';
import { todos } from '../store/todo-store.ts';
import { Priority } from '../types.ts';
import { badRequest, notFound } from '../lib/problems.ts';

export const todosRouter = Router();

const priorities: readonly string[] = Object.values(Priority);

todosRouter.get('/', (_req: Request, res: Response) => {
  res.json(todos.list(settings.pageSize));
});

todosRouter.post('/', (req: Request, res: Response) => {
  const { title, priority } = req.body as { title?: unknown; priority?: unknown };
  if (typeof title !== 'string' || title === '') return badRequest(res, 'title is required');
  if (priority !== undefined && !priorities.includes(String(priority))) {
    return badRequest(res, `priority must be one of ${priorities.join(', ')}`);
  }
  res.status(201).json(todos.add(title, priority as Priority | undefined));
});

todosRouter.post('/:id/toggle', (req: Request, res: Response) => {
  const todo = todos.toggle(Number(req.params.id));
  if (!todo) return notFound(res, `todo ${req.params.id}`);
  res.json(todo);
});
