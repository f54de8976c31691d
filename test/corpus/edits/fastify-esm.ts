import type { CorpusApp } from '../lib/types';

const health = "app.get('/health', async () => ({ ok: true }));";
const brokenHealth = "app.get('/health', async () => ({ ok: true });";

export const fastifyEsm: CorpusApp = {
  dir: 'fastify-esm',
  entries: [{ name: 'fastify-esm', kind: 'esm', main: ['server.mjs'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/messages', body: { text: 'kept-{n}' } }],
    probes: [{ path: '/messages', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (entry file)',
      file: 'server.mjs',
      replace: [['return { messages: messages.map(', 'return { count: messages.length, messages: messages.map(']],
      live: [{ path: '/messages', includes: ['"count":'] }],
    },
    {
      name: 'helper function (imported module)',
      file: 'lib/format.mjs',
      replace: [['return `Hello, ${name}!`;', 'return `Hi ${name}, welcome back!`;']],
      live: [{ path: '/hello/ada', includes: ['Hi ada, welcome back!'] }],
    },
    {
      name: 'constant',
      file: 'server.mjs',
      replace: [['const MAX_MESSAGES = 50;', 'const MAX_MESSAGES = 100;']],
      live: [{ method: 'POST', path: '/messages', body: { text: 'probe-{n}' }, status: 201, includes: ['"max":100'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'server.mjs',
      replace: [
        ['await app.listen(', "app.get('/messages/latest', async () => messages.at(-1) ?? {});\n\nawait app.listen("],
      ],
      live: [
        { method: 'POST', path: '/messages', body: { text: 'probe-{n}' }, status: 201 },
        { path: '/messages/latest', includes: ['"text":"probe-{n}"'] },
      ],
    },
    {
      name: 'syntax error',
      file: 'server.mjs',
      syntaxError: true,
      replace: [[health, brokenHealth]],
      unchanged: ['/messages', '/messages/latest', '/hello/ada'],
    },
    {
      name: 'syntax error fixed',
      file: 'server.mjs',
      replace: [[brokenHealth, health.replace('ok: true', 'ok: true, esm: true')]],
      live: [{ path: '/health', includes: ['"esm":true'] }],
    },
  ],
};
