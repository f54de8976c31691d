import type { CorpusApp } from '../lib/types';

const titleCheck = "send({ error: 'title is required' });";
const brokenTitleCheck = "send({ error: 'title is required' );";

export const fastifyPlugins: CorpusApp = {
  dir: 'fastify-plugins',
  entries: [{ name: 'fastify-plugins', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/notes', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/notes', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (plugin route)',
      file: 'routes/notes.js',
      replace: [
        [
          'return { notes: fastify.notes.all()',
          'return { total: fastify.notes.all().length, notes: fastify.notes.all()',
        ],
      ],
      live: [{ path: '/notes', includes: ['"total":'] }],
    },
    {
      name: 'helper function',
      file: 'lib/summary.js',
      replace: [['return `${note.id}: ${text}`;', 'return `#${note.id} ${text}`;']],
      live: [
        { method: 'POST', path: '/notes', body: { title: 'probe-{n}' }, status: 201 },
        { path: '/notes', includes: [' probe-{n}"', '"#'] },
      ],
    },
    {
      name: 'constant',
      file: 'routes/notes.js',
      replace: [["const DEFAULT_TAG = 'general';", "const DEFAULT_TAG = 'inbox';"]],
      live: [
        { method: 'POST', path: '/notes', body: { title: 'probe-{n}' }, status: 201, includes: ['"tag":"inbox"'] },
      ],
    },
    {
      name: 'new route (plugin)',
      file: 'routes/notes.js',
      replace: [
        [
          "fastify.get('/:id',",
          "fastify.get('/stats', async () => ({ count: fastify.notes.all().length }));\n\n  fastify.get('/:id',",
        ],
      ],
      live: [{ path: '/notes/stats', includes: ['"count":'] }],
    },
    {
      name: "a route's path changed (plugin)",
      file: 'routes/notes.js',
      replace: [["fastify.get('/stats',", "fastify.get('/count',"]],
      live: [
        { path: '/notes/count', includes: ['"count":'] },
        { path: '/notes/stats', status: 404, includes: ['note not found'] },
      ],
    },
    {
      name: 'a route taken out (plugin)',
      file: 'routes/notes.js',
      replace: [["\n  fastify.get('/count', async () => ({ count: fastify.notes.all().length }));\n", '']],
      live: [{ path: '/notes/count', status: 404, includes: ['note not found'] }],
    },
    {
      name: 'data plugin (store)',
      file: 'plugins/store.js',
      replace: [['createdAt: Date.now(), ...note };', 'createdAt: Date.now(), version: 1, ...note };']],
      live: [{ method: 'POST', path: '/notes', body: { title: 'probe-{n}' }, status: 201, includes: ['"version":1'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'app.js',
      replace: [
        [
          "app.register(require('./routes/status'));",
          "app.register(require('./routes/status'));\napp.get('/version', async () => ({ version: '2.0.0' }));",
        ],
      ],
      live: [{ path: '/version', includes: ['2.0.0'] }],
    },
    {
      name: "a route's path changed (entry file)",
      file: 'app.js',
      replace: [["app.get('/version',", "app.get('/about/version',"]],
      live: [
        { path: '/about/version', includes: ['2.0.0'] },
        { path: '/version', status: 404, includes: ['Route GET:/version not found'] },
      ],
    },
    {
      name: 'a route taken out (entry file)',
      file: 'app.js',
      replace: [["\napp.get('/about/version', async () => ({ version: '2.0.0' }));", '']],
      live: [{ path: '/about/version', status: 404, includes: ['Route GET:/about/version not found'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/notes.js',
      syntaxError: true,
      replace: [[titleCheck, brokenTitleCheck]],
      unchanged: ['/notes', '/notes/stats'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/notes.js',
      replace: [[brokenTitleCheck, titleCheck.replace('title is', 'a title is')]],
      live: [{ method: 'POST', path: '/notes', body: {}, status: 400, includes: ['a title is required'] }],
    },
  ],
};
