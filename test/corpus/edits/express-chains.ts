import type { CorpusApp } from '../lib/types';

const paramMiss = 'return res.status(404).json({ error: `book ${id} not found` });';
const brokenParamMiss = 'return res.status(404).json({ error: `book ${id} not found` };';

/**
 * The Express guide's layout, in CommonJS: route chains (`app.route(path).get(…).post(…)`),
 * `app.param` loading the item a route names, handlers as the methods of an object, app.locals
 * set once, a middleware made per route from its role, an audit log fed by an event emitter.
 */
export const expressChains: CorpusApp = {
  dir: 'express-chains',
  entries: [{ name: 'express-chains', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/books', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/books', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'inline handler in a route chain (app.route().get())',
      file: 'app.js',
      replace: [
        ['.get((req, res) => res.json(req.book))', '.get((req, res) => res.json({ ...req.book, found: true }))'],
      ],
      live: [{ path: '/books/1', includes: ['"found":true', 'Dune'] }],
    },
    {
      name: 'a method added to a route chain (.put)',
      file: 'app.js',
      replace: [
        [
          "  .delete(requireRole('admin'), (req, res) => {",
          "  .put((req, res) => {\n    req.book.title = String(req.body.title ?? req.book.title);\n    res.json(req.book);\n  })\n  .delete(requireRole('admin'), (req, res) => {",
        ],
      ],
      live: [{ method: 'PUT', path: '/books/1', body: { title: 'Dune Messiah' }, includes: ['Dune Messiah'] }],
    },
    {
      name: 'app.param callback',
      file: 'app.js',
      replace: [['`no book ${id}`', '`book ${id} not found`']],
      live: [{ path: '/books/999999', status: 404, includes: ['book 999999 not found'] }],
    },
    {
      name: 'a method of the handlers object, routed by reference at startup',
      file: 'app.js',
      replace: [
        [
          'res.json({ title: req.app.locals.title, books: [...books.store.values()] });',
          'res.json({ title: req.app.locals.title, count: books.store.size, books: [...books.store.values()] });',
        ],
      ],
      live: [{ path: '/books', includes: ['"count":'] }],
    },
    {
      name: 'app.locals set once at startup',
      file: 'app.js',
      replace: [["app.locals.title = 'Library';", "app.locals.title = 'City Library';"]],
      live: [{ path: '/books', includes: ['"title":"City Library"'] }],
    },
    {
      name: 'middleware factory made per route (requireRole)',
      file: 'lib/roles.js',
      replace: [['error: `needs ${role}`', 'error: `role ${role} required`']],
      live: [{ method: 'DELETE', path: '/books/1', status: 403, includes: ['role admin required'] }],
    },
    {
      name: 'listener added at load (events.on)',
      file: 'lib/books.js',
      replace: [['audit.push(`created ${book.id}`);', 'audit.push(`added ${book.id}`);']],
      live: [
        { method: 'POST', path: '/books', body: { title: 'audited' }, status: 201 },
        { path: '/audit', includes: ['added '] },
      ],
    },
    {
      name: 'a new method on the handlers object and a route to it',
      file: 'app.js',
      replace: [
        [
          '  create(req, res) {',
          '  stats(req, res) {\n    res.json({ books: books.store.size, audits: books.audit.length });\n  },\n  create(req, res) {',
        ],
        [
          "app.route('/books').get(handlers.list).post(handlers.create);\n",
          "app.route('/books').get(handlers.list).post(handlers.create);\napp.get('/stats', handlers.stats);\n",
        ],
      ],
      live: [{ path: '/stats', includes: ['"audits":'] }],
    },
    {
      name: 'data module function',
      file: 'lib/books.js',
      replace: [['const book = { id: nextId++, title };', "const book = { id: nextId++, title, shelf: 'new' };"]],
      live: [{ method: 'POST', path: '/books', body: { title: 'shelved' }, status: 201, includes: ['"shelf":"new"'] }],
    },
    {
      name: 'syntax error',
      file: 'app.js',
      syntaxError: true,
      replace: [[paramMiss, brokenParamMiss]],
      unchanged: ['/books/999999'],
    },
    {
      name: 'syntax error fixed',
      file: 'app.js',
      replace: [[brokenParamMiss, paramMiss.replace('book ${id} not found', 'nothing at ${id}')]],
      live: [{ path: '/books/999999', status: 404, includes: ['nothing at 999999'] }],
    },
  ],
};
