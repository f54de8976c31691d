import { Router } from 'express';
import { config } from '../config.js';
import { asyncHandler } from '../lib/async-handler.js';
import { HttpError } from '../lib/http-error.js';
import { TtlCache } from '../lib/ttl-cache.js';
import { validateBody } from '../lib/validate.js';
import { CreateTodo, type Todo } from './todo.schema.js';
import { todoService } from './todo.service.js';

export const todosRouter = Router();
const listCache = new TtlCache<Todo[]>(config.listCacheMs);

todosRouter.get(
  '/',
  asyncHandler(async (req, res) => {
    const page = Number(req.query.page ?? 1);
    const key = `page:${page}`;
    let todos = listCache.get(key);
    if (!todos) {
      todos = await todoService.list(page, config.pageSize);
      listCache.set(key, todos);
    }
    res.json(todos);
  }),
);

todosRouter.get(
  '/:id',
  asyncHandler(async (req, res) => {
    const todo = await todoService.find(Number(req.params.id));
    if (!todo) throw new HttpError(404, 'todo not found');
    res.json(todo);
  }),
);

todosRouter.post(
  '/',
  validateBody(CreateTodo),
  asyncHandler(async (req, res) => {
    const todo = await todoService.create(req.body);
    listCache.clear();
    res.status(201).json(todo);
  }),
);
