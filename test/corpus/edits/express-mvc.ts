import type { CorpusApp } from '../lib/types';

export const expressMvc: CorpusApp = {
  dir: 'express-mvc',
  entries: [{ name: 'express-mvc', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/users', body: { name: 'kept-{n}' } }],
    probes: [{ path: '/users', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (controller action)',
      file: 'controllers/users.js',
      replace: [['res.json({ users: User.all()', 'res.json({ count: User.all().length, users: User.all()']],
      live: [{ path: '/users', includes: ['"count":'] }],
    },
    {
      name: 'new action (route built at boot)',
      file: 'controllers/users.js',
      replace: [
        [
          'exports.create =',
          "exports.admins = (req, res) => {\n  res.json({ admins: User.all().filter((u) => u.role === 'admin').map((u) => u.name) });\n};\n\nexports.create =",
        ],
      ],
      live: [{ path: '/users/admins', includes: ['"admins":["ada"]'] }],
    },
    {
      name: 'model helper',
      file: 'models/user.js',
      replace: [['`${user.name} (admin)`', '`${user.name} [admin]`']],
      live: [{ path: '/users', includes: ['ada [admin]'] }],
    },
    {
      name: 'constant',
      file: 'controllers/posts.js',
      replace: [['const PER_PAGE = 10;', 'const PER_PAGE = 1;']],
      live: [{ path: '/posts', includes: ['"perPage":1'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'app.js',
      replace: [
        [
          "boot(app, path.join(__dirname, 'controllers'));",
          "app.get('/about', (req, res) => {\n  res.json({ name: 'mvc-demo' });\n});\n\nboot(app, path.join(__dirname, 'controllers'));",
        ],
      ],
      live: [{ path: '/about', includes: ['mvc-demo'] }],
    },
    {
      name: 'syntax error',
      file: 'models/user.js',
      syntaxError: true,
      replace: [['return users.get(id);', 'return users.get(id;']],
      unchanged: ['/users/1', '/users'],
    },
    {
      name: 'syntax error fixed',
      file: 'models/user.js',
      replace: [
        ['return users.get(id;', 'return users.get(id);'],
        ["role = 'member'", "role = 'reader'"],
      ],
      live: [{ method: 'POST', path: '/users', body: { name: 'probe-{n}' }, status: 201, includes: ['"reader"'] }],
    },
  ],
};
