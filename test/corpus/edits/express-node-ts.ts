import type { CorpusApp } from '../lib/types';

const created = 'res.status(201).json(todos.add(title, priority as Priority | undefined));';
const brokenCreated = 'res.status(201).json(todos.add(title, priority as Priority | undefined);';

/**
 * TypeScript that Node runs itself (`node src/server.ts` on Node ≥ 22.18, which strips the
 * types: no build, no runner), as new projects start now: ES modules importing `.ts` files,
 * erasable syntax only (an object `as const` with a type of its values for an enum, `satisfies`,
 * `import type`), the todos in a class's private fields, a constant one module computes from
 * another's object at startup.
 */
export const expressNodeTs: CorpusApp = {
  dir: 'express-node-ts',
  entries: [{ name: 'express-node-ts', kind: 'node-ts', main: ['src/server.ts'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/todos', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/todos', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (router module)',
      file: 'src/routes/todos.ts',
      replace: [
        [
          'res.json(todos.list(settings.pageSize));',
          'const items = todos.list(settings.pageSize);\n  res.json({ count: items.length, pageSize: settings.pageSize, items });',
        ],
      ],
      live: [{ path: '/todos', includes: ['"count":'] }],
    },
    {
      name: 'method of a class with private fields (the store every route shares)',
      file: 'src/store/todo-store.ts',
      replace: [
        [
          'const todo: Todo = { id: this.#nextId++, title, priority, done: false };',
          'const todo: Todo = { id: this.#nextId++, title: title.trim(), priority, done: false };',
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/todos',
          body: { title: '  probe-{n}  ' },
          status: 201,
          includes: ['"title":"probe-{n}"'],
        },
      ],
    },
    {
      name: 'an annotation changes, nothing else (types are stripped)',
      file: 'src/store/todo-store.ts',
      replace: [['  list(limit: number): Todo[] {', '  list(limit: number): readonly Todo[] {']],
      live: [{ path: '/todos', includes: ['"count":'] }],
    },
    {
      name: 'new method on that class, used by a new route',
      file: 'src/store/todo-store.ts',
      replace: [
        [
          '  toggle(id: number): Todo | undefined {',
          '  open(): number {\n    return [...this.#todos.values()].filter((t) => !t.done).length;\n  }\n\n  toggle(id: number): Todo | undefined {',
        ],
      ],
      also: [
        {
          file: 'src/routes/todos.ts',
          replace: [
            [
              "todosRouter.post('/:id/toggle',",
              "todosRouter.get('/open', (_req: Request, res: Response) => {\n  res.json({ open: todos.open() });\n});\n\ntodosRouter.post('/:id/toggle',",
            ],
          ],
        },
      ],
      live: [{ path: '/todos/open', includes: ['"open":'] }],
    },
    {
      name: "an `as const` object gains a member (another module's constant read it at startup)",
      file: 'src/types.ts',
      replace: [["  Low: 'low',\n", "  Low: 'low',\n  Medium: 'medium',\n"]],
      live: [
        {
          method: 'POST',
          path: '/todos',
          body: { title: 'medium-{n}', priority: 'medium' },
          status: 201,
          includes: ['"priority":"medium"'],
        },
      ],
    },
    {
      name: 'middleware in its own module (its count kept)',
      file: 'src/lib/request-log.ts',
      replace: [["res.setHeader('X-Seen', String(seen));", "res.setHeader('X-Seen', `#${seen}`);"]],
      live: [{ path: '/health', header: ['x-seen', '#'] }],
    },
    {
      name: 'helper every error goes through',
      file: 'src/lib/problems.ts',
      replace: [
        ['res.status(404).json({ error: `${what} not found` });', 'res.status(404).json({ error: `no ${what}` });'],
      ],
      live: [{ method: 'POST', path: '/todos/999/toggle', status: 404, includes: ['no todo 999'] }],
    },
    {
      name: 'a setting checked with `satisfies`',
      file: 'src/settings.ts',
      replace: [['pageSize: 25,', 'pageSize: 500,']],
      live: [{ path: '/todos', includes: ['"pageSize":500'] }],
    },
    {
      name: 'new route inline next to listen',
      file: 'src/server.ts',
      replace: [
        [
          "app.use('/todos', todosRouter);",
          "app.get('/version', (_req: Request, res: Response) => {\n  res.json({ node: process.version });\n});\n\napp.use('/todos', todosRouter);",
        ],
      ],
      live: [{ path: '/version', includes: ['"node":"v'] }],
    },
    {
      name: 'syntax error',
      file: 'src/routes/todos.ts',
      syntaxError: true,
      replace: [[created, brokenCreated]],
      unchanged: ['/todos'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/routes/todos.ts',
      replace: [
        [
          brokenCreated,
          'res.status(201).json({ ...todos.add(title, priority as Priority | undefined), created: true });',
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/todos',
          body: { title: 'fixed-{n}' },
          status: 201,
          includes: ['"created":true'],
        },
      ],
    },
  ],
};
