import type { CorpusApp } from '../lib/types';

const notFound = 'return res.status(404).json({ error: `no book ${id}` });';

/**
 * An Express API set up inside an async main called where it is written (`(async () => { await
 * db.connect(); const app = express(); …; app.listen(…) })().catch(…)`), as apps that wait for
 * their database start: its routes are closures of the main, reading its variables (a map of
 * lookups kept while the app runs); the books in a module of their own. A route added in the
 * main runs it again: what it holds starts over, and says so, and its listen, after its first
 * `await`, hands the new app to the running server.
 */
export const expressAsyncMain: CorpusApp = {
  dir: 'express-async-main',
  entries: [{ name: 'express-async-main', kind: 'cjs', main: ['index.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/books', body: { title: 'kept-{n}' } }],
    probes: [{ path: '/books', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: "a route handler inside the main, reading the main's variables",
      file: 'index.js',
      replace: [[notFound, 'return res.status(404).json({ error: `no book with id ${id}`, lookups: lookups.size });']],
      live: [{ path: '/books/999', status: 404, includes: ['no book with id 999', '"lookups":'] }],
    },
    {
      name: 'a query of the db module',
      file: 'db.js',
      replace: [['  return rows;\n', '  return rows.slice().sort((a, b) => a.title.localeCompare(b.title));\n']],
      live: [{ path: '/books', includes: ['"Dune"', '"kept-'] }],
    },
    {
      name: 'the health route, inline in the main',
      file: 'index.js',
      replace: [
        [
          'res.json({ ok: true, connected: db.isConnected() })',
          'res.json({ ok: true, connected: db.isConnected(), uptime: Math.round(process.uptime()) })',
        ],
      ],
      live: [{ path: '/health', includes: ['"uptime":'] }],
    },
    {
      name: 'a validation message inside the main',
      file: 'index.js',
      replace: [["{ error: 'title is required' }", "{ error: 'a book needs a title' }"]],
      live: [{ method: 'POST', path: '/books', body: {}, status: 400, includes: ['a book needs a title'] }],
    },
    {
      name: 'a route added in the main (it runs again)',
      file: 'index.js',
      replace: [
        [
          "  app.post('/books',",
          "  app.get('/stats', async (req, res) => res.json({ books: (await db.books()).length }));\n\n  app.post('/books',",
        ],
      ],
      // The main runs on past its `await db.connect()` after the load: its routes serve then.
      live: [{ path: '/stats', includes: ['"books":'], eventually: 2000 }],
    },
    {
      name: 'syntax error (db module)',
      file: 'db.js',
      syntaxError: true,
      replace: [['async function book(id) {', 'async function book(id) {{']],
      unchanged: ['/books'],
    },
    {
      name: 'syntax error fixed, a book found by its title too',
      file: 'db.js',
      replace: [
        ['async function book(id) {{', 'async function book(id) {'],
        [
          '  return rows.find((row) => row.id === id);',
          '  return rows.find((row) => row.id === id || row.title === String(id));',
        ],
      ],
      live: [{ path: '/books/1', includes: ['"Dune"'] }],
    },
  ],
};
