import Router from '@koa/router';
import { readJson } from '../lib/body.js';

const MAX_TITLE = 40;

export function makeTodoRouter(store) {
  const router = new Router({ prefix: '/todos' });

  router.get('/', (ctx) => {
    ctx.body = store.all();
  });

  router.post('/', async (ctx) => {
    const { title } = await readJson(ctx);
    if (!title) ctx.throw(400, 'title is required');
    if (title.length > MAX_TITLE) ctx.throw(400, `title longer than ${MAX_TITLE}`);
    ctx.status = 201;
    ctx.body = store.add(title);
  });

  router.get('/:id', (ctx) => {
    const todo = store.get(Number(ctx.params.id));
    if (!todo) ctx.throw(404, 'no such todo');
    ctx.body = todo;
  });

  return router;
}
