import type { CorpusApp } from '../lib/types';

const statusRoute = '    res.json({ pid: process.pid, served, startedAt });';

/**
 * An Express API run as a cluster (node:cluster, as pm2's cluster mode runs one): the primary
 * forks a worker and starts another when one dies, and the worker builds the app inline in its
 * branch of the `if`, the routes reading variables of that block. Each process has an agent of
 * its own: a load goes into the primary and the worker. A route added in the worker's block
 * runs the whole `if` again: in the worker, what the block holds starts over, and says so; in
 * the primary, the fork loop must not start another worker.
 */
export const expressCluster: CorpusApp = {
  dir: 'express-cluster',
  entries: [{ name: 'express-cluster', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/notes', body: { text: 'kept-{n}' } }],
    probes: [{ path: '/notes', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: "a route handler in the worker's block, reading the block's variables",
      file: 'server.js',
      replace: [[statusRoute, '    res.json({ pid: process.pid, served, startedAt, uptime: process.uptime() > 0 });']],
      live: [{ path: '/status', includes: ['"uptime":true', '"served":'] }],
    },
    {
      name: 'a function of the notes module the worker requires',
      file: 'notes.js',
      replace: [['  return notes;\n', '  return notes.slice().sort((a, b) => b.id - a.id);\n']],
      live: [{ path: '/notes', includes: ['"kept-'] }],
    },
    {
      name: 'the request log middleware, in its own module',
      file: 'request-log.js',
      replace: [
        [
          'recent.push(`${req.method} ${req.url}`);',
          'recent.push(`[${new Date().toISOString()}] ${req.method} ${req.url}`);',
        ],
      ],
      live: [{ path: '/log', includes: ['"[20', '] GET /log"'] }],
    },
    {
      name: "a validation message in the worker's block",
      file: 'server.js',
      replace: [["{ error: 'text is required' }", "{ error: 'a note needs a text' }"]],
      live: [{ method: 'POST', path: '/notes', body: {}, status: 400, includes: ['a note needs a text'] }],
    },
    {
      name: "a route added in the worker's block (the whole if runs again)",
      file: 'server.js',
      replace: [
        [
          "  app.get('/health', (req, res) => res.json({ ok: true }));",
          "  app.get('/health', (req, res) => res.json({ ok: true }));\n\n  app.get('/notes/count', (req, res) => res.json({ count: notes.all().length }));",
        ],
      ],
      live: [{ path: '/notes/count', includes: ['"count":'] }],
    },
    {
      name: 'syntax error (notes module)',
      file: 'notes.js',
      syntaxError: true,
      replace: [['function all() {', 'function all() {{']],
      unchanged: ['/notes'],
    },
    {
      name: 'syntax error fixed, notes listed oldest first again',
      file: 'notes.js',
      replace: [
        ['function all() {{', 'function all() {'],
        ['  return notes.slice().sort((a, b) => b.id - a.id);\n', '  return notes;\n'],
      ],
      live: [{ path: '/notes', includes: ['"kept-'] }],
    },
  ],
};
