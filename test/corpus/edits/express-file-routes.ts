import type { CorpusApp } from '../lib/types';

const created = 'res.status(201).json(user);';
const brokenCreated = 'res.status(201).json(user;';

/**
 * Routes by file name, as file-system routers do: the entry imports every module of routes/
 * at startup with a dynamic import and mounts its default export (a function declaration, an
 * arrow, a router) at /<name>; nothing imports a route module by name. Request counts live in
 * the static fields of a class used as a namespace.
 */
export const expressFileRoutes: CorpusApp = {
  dir: 'express-file-routes',
  entries: [{ name: 'express-file-routes', kind: 'esm', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/users', body: { name: 'kept-{n}' } }],
    probes: [{ path: '/users', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'a default-exported function declaration, mounted at startup',
      file: 'routes/ping.js',
      replace: [['res.json({ pong: true });', "res.json({ pong: true, from: 'ping' });"]],
      live: [{ path: '/ping', includes: ['"from":"ping"'] }],
    },
    {
      name: 'a default-exported arrow, mounted at startup',
      file: 'routes/stats.js',
      replace: [
        [
          'export default (req, res) => res.json(Stats.snapshot());',
          "export default (req, res) => res.json({ ...Stats.snapshot(), source: 'stats' });",
        ],
      ],
      live: [{ path: '/stats', includes: ['"source":"stats"'] }],
    },
    {
      name: 'a static method (its data in static fields)',
      file: 'lib/stats.js',
      replace: [
        [
          'return { hits: Stats.hits, paths: Stats.byPath.size };',
          'return { total: Stats.hits, paths: Stats.byPath.size };',
        ],
      ],
      live: [{ path: '/stats', includes: ['"total":'] }],
      state: {
        before: [{ path: '/ping' }, { method: 'POST', path: '/users', body: { name: 'kept-{n}' } }],
        probes: [
          { path: '/users', includes: ['kept-{n}'] },
          // Far more requests than this edit's own: the count went on from startup.
          { path: '/stats', excludes: ['"total":1,', '"total":2,', '"total":3,'] },
        ],
      },
    },
    {
      name: 'a router module: handler body',
      file: 'routes/users.js',
      replace: [['res.json({ count: users.length, users });', 'res.json({ total: users.length, users });']],
      live: [{ path: '/users', includes: ['"total":'] }],
    },
    {
      name: 'new static method, used by a route module',
      file: 'lib/stats.js',
      replace: [
        [
          '  static snapshot() {',
          '  static busiest() {\n    return [...Stats.byPath].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;\n  }\n\n  static snapshot() {',
        ],
      ],
      also: [
        {
          file: 'routes/stats.js',
          replace: [["source: 'stats' }", "source: 'stats', busiest: Stats.busiest() }"]],
        },
      ],
      live: [{ path: '/stats', includes: ['"busiest":"/'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/users.js',
      syntaxError: true,
      replace: [[created, brokenCreated]],
      unchanged: ['/users'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/users.js',
      replace: [[brokenCreated, 'res.status(201).json({ ...user, created: true });']],
      live: [
        { method: 'POST', path: '/users', body: { name: 'probe-{n}' }, status: 201, includes: ['"created":true'] },
      ],
    },
  ],
};
