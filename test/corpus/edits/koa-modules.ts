import type { CorpusApp } from '../lib/types';

const notFound = "    if (!todo) ctx.throw(404, 'no such todo');";
const brokenNotFound = "    if (!todo) ctx.throw(404, 'no such todo';";

/**
 * Koa in ES modules, wired at startup: a router factory the entry calls where it mounts the
 * router, another whose router is bound to a name first, a middleware factory closing over its
 * options, and the data in a store's closure. What a factory made at boot holds the functions
 * of the version that made it; its new routes wait for a call that never comes.
 */
export const koaModules: CorpusApp = {
  dir: 'koa-modules',
  entries: [{ name: 'koa-modules', kind: 'esm', main: ['index.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/todos', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/todos', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler inside a router factory (made at startup)',
      file: 'routes/todos.js',
      replace: [
        [
          '    ctx.body = store.all();',
          '    ctx.body = { todos: store.all(), open: store.all().filter((t) => !t.done).length };',
        ],
      ],
      live: [{ path: '/todos', includes: ['"open":'] }],
    },
    {
      name: 'constant a factory-made handler reads',
      file: 'routes/todos.js',
      replace: [['const MAX_TITLE = 40;', 'const MAX_TITLE = 8;']],
      live: [
        {
          method: 'POST',
          path: '/todos',
          body: { title: 'a title of twenty chars' },
          status: 400,
          includes: ['title longer than 8'],
        },
      ],
    },
    {
      name: 'new route inside the router factory the entry mounts in place',
      file: 'routes/todos.js',
      replace: [
        [
          "  router.get('/:id',",
          "  router.post('/:id/done', (ctx) => {\n    const todo = store.complete(Number(ctx.params.id));\n    if (!todo) ctx.throw(404, 'nothing to complete');\n    ctx.body = todo;\n  });\n\n  router.get('/:id',",
        ],
      ],
      live: [{ method: 'POST', path: '/todos/1/done', includes: ['"done":true'] }],
    },
    {
      name: 'new route inside a router factory bound to a name first',
      file: 'routes/stats.js',
      replace: [
        [
          '  return router;',
          "  router.get('/open', (ctx) => {\n    ctx.body = { open: store.all().filter((t) => !t.done).length };\n  });\n\n  return router;",
        ],
      ],
      live: [{ path: '/stats/open', includes: ['"open":'] }],
    },
    {
      name: 'a route taken out of the bound router factory',
      file: 'routes/stats.js',
      replace: [
        [
          "  router.get('/open', (ctx) => {\n    ctx.body = { open: store.all().filter((t) => !t.done).length };\n  });\n\n",
          '',
        ],
      ],
      live: [{ path: '/stats/open', status: 404 }],
    },
    {
      name: 'handler inside the bound router factory',
      file: 'routes/stats.js',
      replace: [
        [
          '    ctx.body = { total: todos.length };',
          '    ctx.body = { total: todos.length, done: todos.filter((t) => t.done).length };',
        ],
      ],
      live: [{ path: '/stats', includes: ['"done":'] }],
    },
    {
      name: 'middleware made by a factory (its options read at startup)',
      file: 'middleware/timing.js',
      replace: [
        [
          '    ctx.set(header, `${(performance.now() - started).toFixed(1)}ms`);',
          "    ctx.set(header, `${(performance.now() - started).toFixed(1)}ms`);\n    ctx.set('X-Timed-By', 'koa-modules');",
        ],
      ],
      live: [{ path: '/stats', header: ['x-timed-by', 'koa-modules'] }],
    },
    {
      name: 'store method (data in its closure kept)',
      file: 'lib/store.js',
      replace: [
        [
          '      return [...todos.values()];',
          '      return [...todos.values()].map((todo) => ({ ...todo, words: todo.title.split(/\\s+/).length }));',
        ],
      ],
      live: [{ path: '/todos', includes: ['"words":'] }],
    },
    {
      name: 'health check middleware (entry file)',
      file: 'index.js',
      replace: [["  ctx.body = 'ok';", "  ctx.body = 'healthy';"]],
      live: [{ path: '/health', includes: ['healthy'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/todos.js',
      syntaxError: true,
      replace: [[notFound, brokenNotFound]],
      unchanged: ['/todos/1'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/todos.js',
      replace: [[brokenNotFound, notFound.replace('no such todo', 'no todo with that id')]],
      live: [{ path: '/todos/99999', status: 404, includes: ['no todo with that id'] }],
    },
  ],
};
