import type { Request, Response } from 'express';
import { inject, injectable } from 'tsyringe';
import { TodoService } from '../services/todo-service';

@injectable()
export class TodoController {
  constructor(@inject(TodoService) private readonly todos: TodoService) {}

  // Arrow fields: handed to the router as they are, `this` kept.
  list = (_req: Request, res: Response): void => {
    res.json({ todos: this.todos.list() });
  };

  create = (req: Request, res: Response): void => {
    const title = typeof req.body?.title === 'string' ? req.body.title.trim() : '';
    if (!title) {
      res.status(400).json({ error: 'title is required' });
      return;
    }
    res.status(201).json(this.todos.add(title));
  };

  // A method: the router takes it bound to the controller.
  get(req: Request, res: Response): void {
    const todo = this.todos.find(Number(req.params.id));
    if (!todo) {
      res.status(404).json({ error: 'no such todo' });
      return;
    }
    res.json(todo);
  }

  complete(req: Request, res: Response): void {
    const todo = this.todos.complete(Number(req.params.id));
    res.status(todo ? 200 : 404).json(todo ?? { error: 'no such todo' });
  }
}
