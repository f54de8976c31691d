import type { CorpusApp } from '../lib/types';

const homePage = "res.type('html').send(`<h1>Catalogue</h1><p>${db.books.length} books</p>`);";
const brokenHomePage = "res.type('html').send(`<h1>Catalogue</h1><p>${db.books.length} books</p>`;";

export const expressRouter: CorpusApp = {
  dir: 'express-router',
  entries: [{ name: 'express-router', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/api/books', body: { title: 'kept-{n}', author: 'corpus' } }],
    probes: [{ path: '/api/books', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (router module)',
      file: 'routes/books.js',
      replace: [['res.json({ count: db.books.length,', 'res.json({ total: db.books.length,']],
      live: [{ path: '/api/books', includes: ['"total":'] }],
    },
    {
      name: 'helper function',
      file: 'lib/format.js',
      replace: [['return `${book.title} by ${book.author}`;', 'return `${book.title} (${book.author})`;']],
      live: [{ path: '/api/books', includes: ['Dune (Frank Herbert)'] }],
    },
    {
      name: 'data module: a function',
      file: 'db.js',
      replace: [
        ["author: author || 'unknown' };", "author: author || 'anonymous', addedAt: new Date().toISOString() };"],
      ],
      live: [
        { method: 'POST', path: '/api/books', body: { title: 'probe-{n}' }, status: 201, includes: ['"anonymous"'] },
      ],
    },
    {
      name: 'data module: a new seed statement',
      file: 'db.js',
      replace: [
        [
          '\nmodule.exports',
          "books.push({ id: nextId++, title: 'Snow Crash', author: 'Neal Stephenson' });\n\nmodule.exports",
        ],
      ],
      live: [{ path: '/api/books', includes: ['Snow Crash'] }],
    },
    {
      name: 'new route (router module)',
      file: 'routes/books.js',
      replace: [
        [
          "router.get('/:id',",
          "router.get('/search', (req, res) => {\n  const q = String(req.query.q ?? '').toLowerCase();\n  res.json(db.books.filter((b) => b.title.toLowerCase().includes(q)));\n});\n\nrouter.get('/:id',",
        ],
      ],
      live: [{ path: '/api/books/search?q=dune', includes: ['"Dune"'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'app.js',
      replace: [
        [
          "app.use('/api/books', books);",
          "app.get('/version', (req, res) => res.json({ version: '1.1.0' }));\napp.use('/api/books', books);",
        ],
      ],
      live: [{ path: '/version', includes: ['1.1.0'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/pages.js',
      syntaxError: true,
      replace: [[homePage, brokenHomePage]],
      unchanged: ['/', '/api/books', '/version'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/pages.js',
      replace: [[brokenHomePage, homePage.replace('Catalogue', 'Library')]],
      live: [{ path: '/', includes: ['<h1>Library</h1>'] }],
    },
  ],
};
