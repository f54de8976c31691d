import type { CorpusApp } from '../lib/types';

const created = 'res.status(201).json(note);';
const brokenCreated = 'res.status(201).json(note;';

/**
 * An API behind the middleware stack of most production Express apps: helmet's headers, a rate
 * limiter whose hit counts live in the memory store it made, express-validator chains built
 * when their route was added, a not-found handler and an error handler at the end of the
 * stack. The options of helmet and of the limiter are read once, when each was made.
 */
export const expressMiddleware: CorpusApp = {
  dir: 'express-middleware',
  entries: [{ name: 'express-middleware', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/notes', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/notes', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'error handler at the end of the stack',
      file: 'server.js',
      replace: [
        [
          'res.status(500).json(problem(500, err.message));',
          'res.status(500).json({ ...problem(500, err.message), path: req.path });',
        ],
      ],
      live: [{ path: '/boom', status: 500, includes: ['"path":"/boom"'] }],
    },
    {
      name: 'helper every handler calls',
      file: 'lib/problem.js',
      replace: [
        [
          "return { type: 'about:blank', status, detail };",
          "return { type: 'about:blank', status, detail, api: 'notes' };",
        ],
      ],
      live: [{ path: '/nope', status: 404, includes: ['"api":"notes"'] }],
    },
    {
      name: "rule in a route's validator chain (built when the route was added)",
      file: 'routes/notes.js',
      replace: [['isLength({ min: 3 })', 'isLength({ min: 5 })']],
      live: [
        { method: 'POST', path: '/notes', body: { title: 'four' }, status: 400, includes: ['"errors":["title"]'] },
      ],
    },
    {
      name: 'validation middleware shared by routes',
      file: 'routes/notes.js',
      replace: [
        ['errors: errors.array().map((e) => e.path)', 'errors: errors.array().map((e) => ({ field: e.path }))'],
      ],
      live: [{ path: '/notes/x', status: 400, includes: ['"field":"id"'] }],
    },
    {
      name: 'not-found handler',
      file: 'server.js',
      replace: [['`no route for ${req.method} ${req.path}`', '`nothing at ${req.method} ${req.path}`']],
      live: [{ path: '/nope', status: 404, includes: ['nothing at GET /nope'] }],
    },
    {
      name: "helmet's options (read when its middleware was made)",
      file: 'server.js',
      replace: [
        ["crossOriginResourcePolicy: { policy: 'same-site' }", "crossOriginResourcePolicy: { policy: 'cross-origin' }"],
      ],
      live: [{ path: '/health', header: ['cross-origin-resource-policy', 'cross-origin'] }],
    },
    {
      name: "the rate limiter's limit (its store holds the hit counts)",
      file: 'server.js',
      replace: [['limit: 1000,', 'limit: 500,']],
      live: [{ path: '/notes', header: ['ratelimit-policy', '500;'] }],
    },
    {
      name: 'new route on the router',
      file: 'routes/notes.js',
      replace: [
        [
          'module.exports = router;',
          "router.get('/:id/title', param('id').isInt({ min: 1 }), rejectInvalid, (req, res) => {\n  const note = notes.find((n) => n.id === Number(req.params.id));\n  res.json({ title: note ? note.title.toUpperCase() : null });\n});\n\nmodule.exports = router;",
        ],
      ],
      live: [{ path: '/notes/1/title', includes: ['"title":"KEPT-'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/notes.js',
      syntaxError: true,
      replace: [[created, brokenCreated]],
      unchanged: ['/notes'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/notes.js',
      replace: [[brokenCreated, 'res.status(201).json({ ...note, created: true });']],
      live: [
        { method: 'POST', path: '/notes', body: { title: 'probe-{n}' }, status: 201, includes: ['"created":true'] },
      ],
    },
  ],
};
