import type { CorpusApp } from '../lib/types';

const add = 'const todo = { id: nextId++, title: title.trim(), done: false };';
const brokenAdd = 'const todo = { id: nextId++, title: title.trim(), done: false ;';

/**
 * Fastify as TypeScript users write it, run with tsx: what Fastify reads once when the app
 * starts (a decorator, a hook, a route's JSON schema compiled into its serializer, a plugin's
 * routes) next to code it calls on every request.
 */
export const fastifyTs: CorpusApp = {
  dir: 'fastify-ts',
  entries: [{ name: 'fastify-ts', kind: 'tsx', main: ['src/server.ts'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/todos', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/todos', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'hook in its own module (added at startup)',
      file: 'src/hooks/stamp.ts',
      replace: [["reply.header('x-served-by', 'fastify-ts');", "reply.header('x-served-by', 'fastify-ts 2');"]],
      live: [{ path: '/health', header: ['x-served-by', 'fastify-ts 2'] }],
    },
    {
      name: 'decorator body (app.decorate at startup)',
      file: 'src/server.ts',
      replace: [
        [
          "app.decorate('clock', () => new Date().toISOString());",
          "app.decorate('clock', () => `utc ${new Date().toISOString()}`);",
        ],
      ],
      live: [{ path: '/time', includes: ['"now":"utc '] }],
    },
    {
      name: 'data module method',
      file: 'src/store.ts',
      replace: [['const todo = { id: nextId++, title, done: false };', add]],
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
      name: 'route schema: a new response property (serializer compiled at startup)',
      file: 'src/plugins/todos.ts',
      replace: [
        ["    done: { type: 'boolean' },\n", "    done: { type: 'boolean' },\n    label: { type: 'string' },\n"],
        [
          'return store.list();',
          'return store.list().map((todo) => ({ ...todo, label: `#${todo.id} ${todo.title}` }));',
        ],
      ],
      live: [
        { method: 'POST', path: '/todos', body: { title: 'probe-{n}' }, status: 201 },
        { path: '/todos', includes: ['probe-{n}"', '"label":"#'] },
      ],
    },
    {
      name: 'route schema: a validation rule (validator compiled at startup)',
      file: 'src/plugins/todos.ts',
      replace: [["title: { type: 'string', minLength: 1 }", "title: { type: 'string', minLength: 1, maxLength: 20 }"]],
      live: [{ method: 'POST', path: '/todos', body: { title: 'probe-{n}-with-a-title-too-long' }, status: 400 }],
    },
    {
      name: 'syntax error',
      file: 'src/store.ts',
      syntaxError: true,
      replace: [[add, brokenAdd]],
      unchanged: ['/health', '/todos'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/store.ts',
      replace: [[brokenAdd, add.replace('done: false', 'done: title.startsWith("done:")')]],
      live: [
        { method: 'POST', path: '/todos', body: { title: 'done: probe-{n}' }, status: 201, includes: ['"done":true'] },
      ],
    },
  ],
};
