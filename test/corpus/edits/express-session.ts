import type { CorpusApp } from '../lib/types';

const countVisit = 'req.session.views = (req.session.views ?? 0) + 1;';
const brokenCountVisit = 'req.session.views = (req.session.views ?? 0) + ;';

export const expressSession: CorpusApp = {
  dir: 'express-session',
  entries: [{ name: 'express-session', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    // The runner keeps one cookie jar per app run: these requests advance one session.
    before: [
      { method: 'POST', path: '/login', body: { name: 'kept' } },
      { method: 'POST', path: '/visit' },
    ],
    keep: [{ path: '/session' }],
    probes: [{ path: '/session', includes: ['"user":"kept"'] }],
  },
  edits: [
    {
      name: 'handler body (entry file)',
      file: 'app.js',
      replace: [['You have been here ${views} times.`', 'Visits so far: ${views}.`']],
      live: [{ path: '/', includes: ['Visits so far:'] }],
    },
    {
      name: 'helper function',
      file: 'lib/greeting.js',
      replace: [
        ["return 'Welcome, stranger.';", "return 'Hello, new visitor.';"],
        ['return `Welcome back, ${user}.`;', 'return `Good to see you again, ${user}.`;'],
      ],
      live: [{ path: '/', excludes: ['Welcome back,', 'Welcome, stranger.'] }],
    },
    {
      name: 'constant',
      file: 'app.js',
      replace: [["const SITE_NAME = 'Corner Shop';", "const SITE_NAME = 'Corner Shop & Café';"]],
      live: [{ path: '/', includes: ['Corner Shop & Café:'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'app.js',
      replace: [
        [
          "app.get('/', (req, res) => {",
          "app.get('/whoami', (req, res) => {\n  res.json({ whoami: req.session.user ?? 'nobody' });\n});\n\napp.get('/', (req, res) => {",
        ],
      ],
      live: [{ path: '/whoami', includes: ['"whoami":'] }],
    },
    {
      name: 'syntax error',
      file: 'app.js',
      syntaxError: true,
      replace: [[countVisit, brokenCountVisit]],
      unchanged: ['/', '/whoami'],
    },
    {
      name: 'syntax error fixed',
      file: 'app.js',
      replace: [
        [brokenCountVisit, countVisit],
        ['res.json({ views: req.session.views });', 'res.json({ views: req.session.views, counted: true });'],
      ],
      live: [{ method: 'POST', path: '/visit', includes: ['"counted":true'] }],
    },
  ],
};
