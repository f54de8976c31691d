import type { CorpusApp } from '../lib/types';

const notFound = "throw new HttpError(404, 'todo not found');";
const brokenNotFound = "throw new HttpError(404, 'todo not found';";

/**
 * A TypeScript Express API as ES modules run by tsx, in the shape of today's starter kits: zod
 * schemas checked by a middleware each route makes from its schema when it is added, every async
 * route wrapped in an `asyncHandler` when it is added, errors as a class the error handler reads,
 * a settings object, a TTL cache class, the todos in a singleton service's fields, the notes in
 * a store's field whose type the store infers from a schema that is all its module exports.
 */
export const expressZod: CorpusApp = {
  dir: 'express-zod',
  entries: [{ name: 'express-zod', kind: 'tsx', main: ['src/server.ts'] }],
  health: '/health',
  state: {
    before: [
      { method: 'POST', path: '/todos', body: { title: 'kept-{n}' } },
      { method: 'POST', path: '/notes', body: { text: 'note-{n}' } },
    ],
    probes: [
      { path: '/todos', includes: ['kept-{n}'] },
      { path: '/notes', includes: ['note-{n}'] },
    ],
  },
  edits: [
    {
      name: 'async route wrapped by asyncHandler when it was added',
      file: 'src/todos/todo.routes.ts',
      replace: [['    res.json(todos);\n', '    res.json({ page, pageSize: config.pageSize, todos });\n']],
      live: [{ path: '/todos', includes: ['"page":1', '"pageSize":20', '"todos":['] }],
    },
    {
      name: 'the wrapper itself (asyncHandler, applied at startup)',
      file: 'src/lib/async-handler.ts',
      replace: [
        [
          '    route(req, res, next).catch(next);\n',
          "    res.setHeader('x-async-route', 'wrapped');\n    route(req, res, next).catch(next);\n",
        ],
      ],
      live: [{ path: '/todos', header: ['x-async-route', 'wrapped'] }],
    },
    {
      name: 'zod schema: a stricter rule',
      file: 'src/todos/todo.schema.ts',
      replace: [["z.string().trim().min(1, 'title is required')", "z.string().trim().min(3, 'title too short')"]],
      live: [{ method: 'POST', path: '/todos', body: { title: 'ab' }, status: 400, includes: ['title too short'] }],
    },
    {
      name: 'validation middleware factory: the error it answers',
      file: 'src/lib/validate.ts',
      replace: [["error: 'invalid body'", "error: 'validation failed'"]],
      live: [{ method: 'POST', path: '/todos', body: {}, status: 400, includes: ['validation failed'] }],
    },
    {
      name: 'service method (reads a field)',
      file: 'src/todos/todo.service.ts',
      replace: [
        [
          '    return this.todos.find((todo) => todo.id === id);\n',
          '    const todo = this.todos.find((candidate) => candidate.id === id);\n    return todo && { ...todo, title: todo.title.toUpperCase() };\n',
        ],
      ],
      live: [{ path: '/todos/1', includes: ['TRY HOT RELOAD'] }],
    },
    {
      name: 'new service method and a new route using it',
      file: 'src/todos/todo.service.ts',
      replace: [
        [
          '  count(): number {\n',
          '  async stats(): Promise<{ total: number; done: number }> {\n    return { total: this.todos.length, done: this.todos.filter((todo) => todo.done).length };\n  }\n\n  count(): number {\n',
        ],
      ],
      also: [
        {
          file: 'src/todos/todo.routes.ts',
          replace: [
            [
              "todosRouter.get(\n  '/:id',",
              "todosRouter.get(\n  '/stats',\n  asyncHandler(async (req, res) => {\n    res.json(await todoService.stats());\n  }),\n);\n\ntodosRouter.get(\n  '/:id',",
            ],
          ],
        },
      ],
      live: [{ path: '/todos/stats', includes: ['"total":', '"done":0'] }],
    },
    {
      name: 'settings object: a new page size',
      file: 'src/config.ts',
      replace: [['  pageSize: 20,\n', '  pageSize: 25,\n']],
      live: [{ path: '/todos', includes: ['"pageSize":25'] }],
    },
    {
      name: 'zod schema: a new field with a default (the state type changes: a migration)',
      file: 'src/todos/todo.schema.ts',
      replace: [
        [
          '  done: z.boolean().default(false),\n',
          '  done: z.boolean().default(false),\n  tags: z.array(z.string()).default([]),\n',
        ],
      ],
      migration: true,
      live: [
        {
          method: 'POST',
          path: '/todos',
          body: { title: 'tagged', tags: ['x'] },
          status: 201,
          includes: ['"tags":["x"]'],
        },
      ],
    },
    {
      name: "a cache class's #private field changes type (a migration of its live instance)",
      file: 'src/lib/ttl-cache.ts',
      replace: [
        [
          '  #entries = new Map<string, { value: V; expires: number }>();',
          '  #entries = new Map<string, { value: V; expires: number; reads: number }>();',
        ],
        ['    this.hits++;\n', '    this.hits++;\n    entry.reads += 1;\n'],
        ['{ value, expires: Date.now() + this.ttlMs }', '{ value, expires: Date.now() + this.ttlMs, reads: 0 }'],
        [
          '  clear(): void {',
          '  reads(key: string): number {\n    return this.#entries.get(key)?.reads ?? 0;\n  }\n\n  clear(): void {',
        ],
      ],
      also: [
        {
          file: 'src/todos/todo.routes.ts',
          replace: [
            [
              '    res.json({ page, pageSize',
              "    res.setHeader('X-Cache-Reads', String(listCache.reads(key)));\n    res.json({ page, pageSize",
            ],
          ],
        },
      ],
      migration: true,
      live: [{ path: '/todos', header: ['x-cache-reads', ''] }],
    },
    {
      // No type exported: the store infers it from the schema (`z.infer<typeof NoteSchema>`).
      name: 'zod schema exported alone, its type inferred by the store holding the notes: a new field (a migration)',
      file: 'src/notes/note.schema.ts',
      replace: [
        [
          '  pinned: z.boolean().default(false),\n',
          "  pinned: z.boolean().default(false),\n  color: z.string().default('yellow'),\n",
        ],
      ],
      migration: true,
      live: [
        { method: 'POST', path: '/notes', body: { text: 'colored' }, status: 201, includes: ['"color":"yellow"'] },
      ],
    },
    {
      name: 'error handler at the end of the stack',
      file: 'src/app.ts',
      replace: [
        [
          'res.status(status).json({ error: err instanceof Error ? err.message : String(err) });',
          'res.status(status).json({ error: err instanceof Error ? err.message : String(err), status });',
        ],
      ],
      live: [{ path: '/todos/999999', status: 404, includes: ['"status":404'] }],
    },
    {
      name: 'syntax error',
      file: 'src/todos/todo.routes.ts',
      syntaxError: true,
      replace: [[notFound, brokenNotFound]],
      unchanged: ['/todos/999999'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/todos/todo.routes.ts',
      replace: [[brokenNotFound, notFound.replace('todo not found', 'no such todo')]],
      live: [{ path: '/todos/999999', status: 404, includes: ['no such todo'] }],
    },
  ],
};
