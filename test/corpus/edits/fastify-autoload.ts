import type { CorpusApp } from '../lib/types';

const created = 'reply.code(201);';
const brokenCreated = 'reply.code(201;';

/**
 * The layout fastify-cli generates: the app is a plugin, @fastify/autoload requires and
 * registers every file of plugins/ and routes/ at startup (a folder of routes is its URL
 * prefix), the plugins decorate the instance (the template's `someSupport`, a task list kept in
 * a plugin's closure) and @fastify/sensible gives the routes their HTTP errors. No file of the
 * app requires another: autoload found them all.
 */
export const fastifyAutoload: CorpusApp = {
  dir: 'fastify-autoload',
  entries: [{ name: 'fastify-autoload', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/tasks', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/tasks', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: "a decorator's body (the template's someSupport)",
      file: 'plugins/support.js',
      replace: [["return 'hugs';", "return 'hugs and kisses';"]],
      live: [{ path: '/', includes: ['hugs and kisses'] }],
    },
    {
      name: 'route handler in an autoloaded folder',
      file: 'routes/tasks/index.js',
      replace: [['return { count: all.length, tasks: all };', 'return { total: all.length, tasks: all };']],
      live: [{ path: '/tasks', includes: ['"total":'] }],
    },
    {
      name: "method of a decorated object (its data in the plugin's closure)",
      file: 'plugins/tasks.js',
      replace: [
        [
          'const task = { id: nextId++, title, done: false };',
          "const task = { id: nextId++, title, done: false, by: 'api' };",
        ],
      ],
      live: [{ method: 'POST', path: '/tasks', body: { title: 'probe-{n}' }, status: 201, includes: ['"by":"api"'] }],
    },
    {
      name: "an HTTP error's message (@fastify/sensible)",
      file: 'routes/tasks/index.js',
      replace: [['`no task ${request.params.id}`', '`task ${request.params.id} does not exist`']],
      live: [{ path: '/tasks/999', status: 404, includes: ['task 999 does not exist'] }],
    },
    {
      name: 'new method on the decorated object, used by a route',
      file: 'plugins/tasks.js',
      replace: [['    all() {', '    count() {\n      return list.length;\n    },\n    all() {']],
      also: [
        {
          file: 'routes/root.js',
          replace: [
            [
              'return { root: true, support: fastify.someSupport() };',
              'return { root: true, support: fastify.someSupport(), tasks: fastify.tasks.count() };',
            ],
          ],
        },
      ],
      live: [{ path: '/', includes: ['"tasks":'] }],
    },
    {
      name: 'new route in an autoloaded file',
      file: 'routes/tasks/index.js',
      replace: [
        [
          "  fastify.get('/:id', async function (request) {",
          "  fastify.get('/open', async function () {\n    return { open: fastify.tasks.all().filter((task) => !task.done).length };\n  });\n\n  fastify.get('/:id', async function (request) {",
        ],
      ],
      live: [{ path: '/tasks/open', includes: ['"open":'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/tasks/index.js',
      syntaxError: true,
      replace: [[created, brokenCreated]],
      unchanged: ['/tasks'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/tasks/index.js',
      replace: [[brokenCreated, "reply.code(201).header('x-created', 'yes');"]],
      live: [
        { method: 'POST', path: '/tasks', body: { title: 'probe-{n}' }, status: 201, header: ['x-created', 'yes'] },
      ],
    },
  ],
};
