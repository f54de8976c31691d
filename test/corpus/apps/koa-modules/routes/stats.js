import Router from '@koa/router';

export function makeStatsRouter(store) {
  const router = new Router({ prefix: '/stats' });

  router.get('/', (ctx) => {
    const todos = store.all();
    ctx.body = { total: todos.length };
  });

  return router;
}
