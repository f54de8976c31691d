import type { CorpusApp } from '../lib/types';

const created = 'res.status(201).json(todo);';
const brokenCreated = 'res.status(201).json(todo;';

/**
 * Dependency injection with awilix, as many Express and Koa apps wire their services: a class
 * singleton holding its data in fields, a singleton made by a factory whose data lives in the
 * factory's closure, resolved from a per-request scope by handlers a router factory made. The
 * container made each singleton once, at the first request that needed it: an edit must reach
 * those instances, and keep their data.
 */
export const expressAwilix: CorpusApp = {
  dir: 'express-awilix',
  entries: [{ name: 'express-awilix', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [
      { method: 'POST', path: '/todos', body: { title: 'kept-{n}' } },
      { method: 'POST', path: '/todos/1/done' },
    ],
    probes: [
      { path: '/todos', includes: ['kept-{n}'] },
      // The audit log's entries, in its factory's closure (an edit below words them anew).
      { path: '/audit', includes: ['complete '] },
    ],
  },
  edits: [
    {
      name: 'handler body (a router factory resolving from the request scope)',
      file: 'routes/todos.js',
      replace: [['res.json({ count: todos.length, todos });', 'res.json({ total: todos.length, todos });']],
      live: [{ path: '/todos', includes: ['"total":'] }],
    },
    {
      name: 'method of a class singleton the container made',
      file: 'services/todo-service.js',
      replace: [
        [
          'return this.todos.map((t) => ({ id: t.id, title: t.title, done: t.done }));',
          'return this.todos.map((t) => ({ id: t.id, title: t.title, done: t.done, open: !t.done }));',
        ],
      ],
      live: [{ path: '/todos', includes: ['"open":'] }],
    },
    {
      name: 'method of a singleton made by a factory (data in its closure)',
      file: 'services/audit-log.js',
      replace: [
        [
          'return entries.slice(-10).map((e) => `${e.action} #${e.id}`);',
          'return entries.slice(-10).map((e) => `${e.action} todo #${e.id}`);',
        ],
      ],
      live: [{ path: '/audit', includes: ['complete todo #1'] }],
      state: {
        before: [{ method: 'POST', path: '/todos', body: { title: 'kept-{n}' } }],
        probes: [
          { path: '/todos', includes: ['kept-{n}'] },
          { path: '/audit', includes: ['add todo #'] },
        ],
      },
    },
    {
      name: 'helper the class singleton calls',
      file: 'lib/format.js',
      replace: [["return String(text ?? '').trim();", "return String(text ?? '').trim().replace(/\\s+/g, ' ');"]],
      live: [
        {
          method: 'POST',
          path: '/todos',
          body: { title: 'two   spaces-{n}' },
          status: 201,
          includes: ['two spaces-{n}'],
        },
      ],
    },
    {
      name: 'new method on the class singleton, and a route using it',
      file: 'services/todo-service.js',
      replace: [
        ['  list() {', '  openCount() {\n    return this.todos.filter((t) => !t.done).length;\n  }\n\n  list() {'],
      ],
      also: [
        {
          file: 'routes/todos.js',
          replace: [
            [
              '  return router;',
              "  router.get('/open', (req, res) => res.json({ open: req.scope.resolve('todoService').openCount() }));\n  return router;",
            ],
          ],
        },
      ],
      live: [{ path: '/todos/open', includes: ['"open":'] }],
    },
    {
      name: 'new field in the class singleton constructor, counted by a method',
      file: 'services/todo-service.js',
      replace: [
        ['    this.nextId = 1;\n', '    this.nextId = 1;\n    this.completed = 0;\n'],
        ['    todo.done = true;\n', '    todo.done = true;\n    this.completed += 1;\n'],
        [
          '  openCount() {\n    return',
          '  openCount() {\n    if (this.completed > 0) return -this.completed;\n    return',
        ],
      ],
      live: [
        { method: 'POST', path: '/todos/1/done' },
        { path: '/todos/open', includes: ['"open":-'] },
      ],
    },
    {
      name: 'a registration in the container changed (config the singleton holds)',
      file: 'server.js',
      replace: [['config: asValue({ maxTodos: 50 }),', 'config: asValue({ maxTodos: 60 }),']],
      // A new resolution gets the new value; the singleton made with the old one keeps it, and
      // its todos (the report says what a restart would change).
      live: [{ path: '/config', includes: ['"maxTodos":60'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/todos.js',
      syntaxError: true,
      replace: [[created, brokenCreated]],
      unchanged: ['/todos', '/audit'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/todos.js',
      replace: [[brokenCreated, 'res.status(201).json({ ...todo, created: true });']],
      live: [
        { method: 'POST', path: '/todos', body: { title: 'probe-{n}' }, status: 201, includes: ['"created":true'] },
      ],
    },
  ],
};
