import { Router } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { TodoController } from '../controllers/todo-controller';

/** The router, made once at startup from the controller the container resolves. */
export function todosRouter(container: DependencyContainer): Router {
  const controller = container.resolve(TodoController);
  const router = Router();
  router.get('/', controller.list);
  router.post('/', controller.create);
  router.get('/:id', controller.get.bind(controller));
  router.post('/:id/done', controller.complete.bind(controller));
  return router;
}
