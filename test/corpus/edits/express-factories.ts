import type { CorpusApp } from '../lib/types';

const create = "if (!name) return res.status(400).json({ error: 'name is required' });";
const brokenCreate = "if (!name) return res.status(400).json({ error: 'name is required' };";

/**
 * Dependencies wired by hand at startup: routers made by factory functions, controller methods
 * bound with `.bind()`, a health handler closing over its options, a repository whose data and
 * methods live in a closure. Code made once at boot holds the functions of the version that made it.
 */
export const expressFactories: CorpusApp = {
  dir: 'express-factories',
  entries: [{ name: 'express-factories', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/api/users', body: { name: 'kept-{n}' } }],
    probes: [{ path: '/api/users', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler inside a router factory (made at startup)',
      file: 'routes/users.js',
      replace: [
        [
          'res.json(repo.all().map(present));',
          'res.json({ count: repo.all().length, users: repo.all().map(present) });',
        ],
      ],
      live: [{ path: '/api/users', includes: ['"count":'] }],
    },
    {
      name: 'controller method bound with .bind() at startup',
      file: 'controllers/users.js',
      replace: [
        ['res.json(present(user));', 'res.json({ ...present(user), links: { self: `/api/users/${user.id}` } });'],
      ],
      live: [{ path: '/api/users/1', includes: ['"links":'] }],
    },
    {
      name: 'helper the handlers call',
      file: 'lib/present.js',
      replace: [
        ['return { id: user.id, name: user.name };', 'return { id: user.id, name: user.name, initial: user.name[0] };'],
      ],
      live: [{ path: '/api/users', includes: ['"initial":"k"'] }],
    },
    {
      name: 'handler made by a factory closing over its options',
      file: 'routes/health.js',
      replace: [['res.json({ ok: true, name,', 'res.json({ ok: true, version: 2, name,']],
      live: [{ path: '/health', includes: ['"version":2'] }],
    },
    {
      name: 'repository method made in a closure at startup',
      file: 'repos/users.js',
      replace: [
        ['const user = { id: nextId++, name };', "const user = { id: nextId++, name: name.replace(/\\s+/g, ' ') };"],
      ],
      live: [
        { method: 'POST', path: '/api/users', body: { name: 'probe   {n}' }, status: 201, includes: ['"probe {n}"'] },
      ],
    },
    {
      name: 'new route inside the router factory',
      file: 'routes/users.js',
      replace: [
        [
          "router.get('/:id',",
          "router.get('/stats', (req, res) => {\n    res.json({ total: repo.all().length });\n  });\n  router.get('/:id',",
        ],
      ],
      live: [{ path: '/api/users/stats', includes: ['"total":'] }],
    },
    {
      name: 'a middleware by name added to the router factory',
      file: 'routes/users.js',
      replace: [
        [
          'function makeUserRoutes(repo, controller) {\n  const router = express.Router();\n',
          "function stampUsers(req, res, next) {\n  res.set('x-users-api', 'v2');\n  next();\n}\n\nfunction makeUserRoutes(repo, controller) {\n  const router = express.Router();\n  router.use(stampUsers);\n",
        ],
      ],
      live: [{ path: '/api/users', header: ['x-users-api', 'v2'] }],
    },
    {
      name: 'a route taken out of the router factory',
      file: 'routes/users.js',
      replace: [["  router.get('/stats', (req, res) => {\n    res.json({ total: repo.all().length });\n  });\n", '']],
      live: [{ path: '/api/users/stats', status: 404, includes: ['no such user'] }],
    },
    {
      name: 'syntax error',
      file: 'controllers/users.js',
      syntaxError: true,
      replace: [[create, brokenCreate]],
      unchanged: ['/api/users/1'],
    },
    {
      name: 'syntax error fixed',
      file: 'controllers/users.js',
      replace: [[brokenCreate, create.replace('name is required', 'a name is required')]],
      live: [{ method: 'POST', path: '/api/users', body: {}, status: 400, includes: ['a name is required'] }],
    },
  ],
};
