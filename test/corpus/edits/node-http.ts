import type { CorpusApp } from '../lib/types';

const fixedLine = "const { pathname } = new URL(req.url, 'http://localhost');";
const brokenLine = "const { pathname } = new URL(req.url, 'http://localhost';";

export const nodeHttp: CorpusApp = {
  dir: 'node-http',
  entries: [{ name: 'node-http', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/notes', body: { text: 'kept-{n}' } }],
    probes: [{ path: '/notes', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'route handler body (a function declaration in the routes table)',
      file: 'server.js',
      replace: [
        [
          'sendJson(res, 200, { notes: notes.list().map((note) => note.text) });',
          'sendJson(res, 200, { notes: notes.list().map((note) => `#${note.id} ${note.text}`) });',
        ],
      ],
      live: [{ path: '/notes', includes: ['"#1 kept-1"'] }],
    },
    {
      name: 'the request listener passed inline to createServer',
      file: 'server.js',
      replace: [
        [
          'else sendJson(res, 404, { error: `no route for ${req.method} ${pathname}` });',
          'else sendJson(res, 404, { error: `nothing at ${pathname}`, method: req.method });',
        ],
      ],
      live: [{ path: '/nowhere', status: 404, includes: ['nothing at /nowhere'] }],
    },
    {
      name: 'new route in the routes table',
      file: 'server.js',
      replace: [
        [
          "  'GET /stats': stats,",
          "  'GET /stats': stats,\n  'GET /notes/count': (req, res) => sendJson(res, 200, { count: notes.list().length }),",
        ],
      ],
      live: [{ path: '/notes/count', includes: ['"count":'] }],
    },
    {
      name: 'helper in its own module (a header on every JSON answer)',
      file: 'http-helpers.js',
      replace: [
        [
          "res.writeHead(status, { 'content-type': 'application/json' });",
          "res.writeHead(status, { 'content-type': 'application/json', 'x-served-by': 'node-http' });",
        ],
      ],
      live: [{ path: '/stats', header: ['x-served-by', 'node-http'] }],
    },
    {
      name: 'method of a class singleton with private fields',
      file: 'notes.js',
      replace: [['return [...this.#notes];', 'return [...this.#notes].reverse();']],
      live: [{ path: '/notes', includes: ['"notes":["#5 kept-5"'] }],
    },
    {
      name: 'constant read by a handler',
      file: 'server.js',
      replace: [['const MAX_TEXT = 20;', 'const MAX_TEXT = 40;']],
      live: [{ method: 'POST', path: '/notes', body: { text: 'a note of some thirty characters' }, status: 201 }],
    },
    {
      name: 'syntax error',
      file: 'server.js',
      syntaxError: true,
      replace: [[fixedLine, brokenLine]],
      unchanged: ['/notes', '/notes/count'],
    },
    {
      name: 'syntax error fixed',
      file: 'server.js',
      replace: [
        [brokenLine, fixedLine],
        [
          'sendJson(res, 200, { notes: notes.list().length, served });',
          'sendJson(res, 200, { notes: notes.list().length, served, uptime: process.uptime() > 0 });',
        ],
      ],
      live: [{ path: '/stats', includes: ['"uptime":true'] }],
    },
  ],
};
