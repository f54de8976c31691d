import type { CorpusApp } from '../lib/types';

const required = "res.status(400).json({ error: 'title is required' });";
const brokenRequired = "res.status(400).json({ error: 'title is required' };";
const listed = 'const todos = this.todos.list();\n    res.json({ count: todos.length, todos });';

/**
 * An Express API whose services and controllers come from a dependency-injection container
 * (tsyringe), as TypeScript apps written without NestJS often are: singletons holding data in
 * their fields, a controller whose arrow fields and bound methods the router took at startup,
 * a middleware that is an arrow field of a singleton. Compiled by tsc (decorator metadata), and
 * the same sources run by tsx (the injected tokens named by `@inject`).
 */
export const expressTsyringe: CorpusApp = {
  dir: 'express-tsyringe',
  entries: [
    { name: 'express-tsyringe-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'express-tsyringe-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/todos', body: { title: 'kept-{n}' } }],
    probes: [
      { path: '/todos', includes: ['"kept-{n}"'] },
      { path: '/todos/1', includes: ['"title":"read the tsyringe docs"'] },
    ],
  },
  edits: [
    {
      name: 'service method body (a singleton the container made)',
      file: 'src/services/todo-service.ts',
      replace: [
        [
          '    return this.todos;\n',
          '    return [...this.todos].sort((a, b) => Number(a.done) - Number(b.done) || b.id - a.id);\n',
        ],
      ],
      live: [
        { path: '/todos', includes: ['"todos":[{"id":'] },
        { path: '/todos', excludes: ['"todos":[{"id":1,'] },
      ],
    },
    {
      name: 'controller arrow field, handed to the router at startup',
      file: 'src/controllers/todo-controller.ts',
      replace: [['res.json({ todos: this.todos.list() });', listed]],
      live: [{ path: '/todos', includes: ['"count":'] }],
    },
    {
      name: 'controller method the router bound at startup',
      file: 'src/controllers/todo-controller.ts',
      replace: [['    res.json(todo);\n', '    res.json({ ...todo, links: { done: `/todos/${todo.id}/done` } });\n']],
      live: [{ path: '/todos/1', includes: ['"links":{"done":"/todos/1/done"}'] }],
    },
    {
      name: "middleware: a singleton's arrow field, registered at startup",
      file: 'src/lib/request-log.ts',
      replace: [
        [
          'this.entries.push(`${req.method} ${req.path}`);',
          'this.entries.push(`${req.method} ${req.originalUrl} (logged)`);',
        ],
      ],
      live: [{ path: '/todos?from=probe-{n}' }, { path: '/log', includes: ['GET /todos?from=probe-{n} (logged)'] }],
    },
    {
      name: "an injected dependency's method (the clock)",
      file: 'src/services/clock.ts',
      replace: [['return new Date().toISOString();', 'return new Date().toISOString().slice(0, 10);']],
      live: [
        {
          method: 'POST',
          path: '/todos',
          body: { title: 'probe-{n}' },
          status: 201,
          includes: ['"title":"probe-{n}"', '"createdAt":"20'],
          excludes: ['Z"}'],
        },
      ],
    },
    {
      name: 'service: a new field with an initializer (a Set), read by a new method the controller calls',
      file: 'src/services/todo-service.ts',
      replace: [
        ['  private nextId = 1;\n', '  private nextId = 1;\n  private readonly completed = new Set<number>();\n'],
        [
          '    if (todo) todo.done = true;\n',
          '    if (todo) {\n      todo.done = true;\n      this.completed.add(id);\n    }\n',
        ],
        [
          '  complete(id: number)',
          '  completedCount(): number {\n    return this.completed.size;\n  }\n\n  complete(id: number)',
        ],
      ],
      also: [
        {
          file: 'src/controllers/todo-controller.ts',
          replace: [
            [
              'res.json({ count: todos.length, todos });',
              'res.json({ count: todos.length, completed: this.todos.completedCount(), todos });',
            ],
          ],
        },
      ],
      live: [
        { method: 'POST', path: '/todos/1/done', includes: ['"done":true'] },
        { path: '/todos', includes: ['"completed":1,'] },
      ],
    },
    {
      name: 'router factory: a new route to a new arrow field of the controller',
      file: 'src/controllers/todo-controller.ts',
      replace: [
        [
          '  // A method: the router takes it bound to the controller.',
          "  search = (req: Request, res: Response): void => {\n    const q = String(req.query.q ?? '').toLowerCase();\n    res.json({ results: this.todos.list().filter((todo) => todo.title.toLowerCase().includes(q)) });\n  };\n\n  // A method: the router takes it bound to the controller.",
        ],
      ],
      also: [
        {
          file: 'src/routes/todos.ts',
          replace: [["  router.get('/:id',", "  router.get('/search', controller.search);\n  router.get('/:id',"]],
        },
      ],
      live: [{ path: '/todos/search?q=KEPT', includes: ['"results":[', 'kept-{n}'] }],
    },
    {
      name: "Todo gains a field the service sets (a migration of the singleton's todos)",
      file: 'src/types.ts',
      replace: [['  done: boolean;\n', '  done: boolean;\n  tags: string[];\n']],
      also: [
        {
          file: 'src/services/todo-service.ts',
          replace: [
            [
              'done: false, createdAt: this.clock.now() };',
              "done: false, tags: ['new'], createdAt: this.clock.now() };",
            ],
          ],
        },
      ],
      migration: true,
      live: [
        { method: 'POST', path: '/todos', body: { title: 'probe-{n}' }, status: 201, includes: ['"tags":["new"]'] },
        { path: '/todos/1', includes: ['"tags":['] },
      ],
    },
    {
      name: 'syntax error (controller)',
      file: 'src/controllers/todo-controller.ts',
      syntaxError: true,
      replace: [[required, brokenRequired]],
      unchanged: ['/todos/1'],
    },
    {
      name: 'syntax error fixed, with a new message',
      file: 'src/controllers/todo-controller.ts',
      replace: [[brokenRequired, "res.status(400).json({ error: 'a todo needs a title' });"]],
      live: [{ method: 'POST', path: '/todos', body: { title: ' ' }, status: 400, includes: ['a todo needs a title'] }],
    },
  ],
};
