import type { CorpusApp } from '../lib/types';

const oneBook = "  if (!book) return c.json({ error: 'no such book' }, 404);";
const brokenOneBook = "  if (!book) return c.json({ error: 'no such book' }, 404;";

export const hono: CorpusApp = {
  dir: 'hono',
  entries: [{ name: 'hono', kind: 'esm', main: ['index.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/books', body: { title: 'kept-{n}', author: 'corpus' } }],
    probes: [{ path: '/books', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (entry file)',
      file: 'index.js',
      replace: [['return c.text(`${requests} requests served`);', 'return c.text(`requests so far: ${requests}`);']],
      live: [{ path: '/stats', includes: ['requests so far: '] }],
    },
    {
      name: 'constant (entry file)',
      file: 'index.js',
      replace: [["const SERVICE = 'library';", "const SERVICE = 'bookshop';"]],
      live: [{ path: '/', includes: ['"service":"bookshop"'] }],
    },
    {
      name: 'middleware body (entry file)',
      file: 'index.js',
      replace: [
        ['  requests++;\n  await next();', "  requests++;\n  await next();\n  c.header('X-Served-By', 'hono-v2');"],
      ],
      live: [{ path: '/books', header: ['x-served-by', 'hono-v2'] }],
    },
    {
      name: 'notFound handler (entry file)',
      file: 'index.js',
      replace: [
        ['{ error: `no route for ${c.req.path}` }', "{ error: `nothing at ${c.req.path}`, hint: 'try /books' }"],
      ],
      live: [{ path: '/no-such-page', status: 404, includes: ['nothing at /no-such-page', 'try /books'] }],
    },
    {
      name: 'handler body (sub-app module)',
      file: 'routes/books.js',
      replace: [['return c.json({ count: shelf.length,', 'return c.json({ total: shelf.length,']],
      live: [{ path: '/books', includes: ['"total":'] }],
    },
    {
      name: 'helper function (imported module)',
      file: 'lib/format.js',
      replace: [['return `${book.title} by ${book.author}`;', 'return `${book.author}: ${book.title}`;']],
      live: [{ path: '/books', includes: ['"Frank Herbert: Dune"'] }],
    },
    {
      // Hono's app.route() copies the sub-app's routes into the parent when the entry mounts it:
      // a route the sub-app gets afterwards is in its own table, not in the app's, unless it is
      // mounted again there (before the copy of '/:id', which would answer '/search' first).
      name: 'new route (sub-app module)',
      file: 'routes/books.js',
      replace: [
        [
          "books.get('/:id',",
          "books.get('/search', (c) => {\n  const q = (c.req.query('q') ?? '').toLowerCase();\n  return c.json(shelf.filter((b) => b.title.toLowerCase().includes(q)).map((b) => b.title));\n});\n\nbooks.get('/:id',",
        ],
      ],
      live: [{ path: '/books/search?q=dun', includes: ['["Dune"]'] }],
    },
    {
      // Hono's default router builds its matcher at the first request and throws on a route
      // added after it ("Can not add a route since the matcher is already built").
      name: 'new route (entry file)',
      file: 'index.js',
      replace: [
        [
          "app.route('/books', books);",
          "app.get('/version', (c) => c.json({ version: '2.0.0' }));\n\napp.route('/books', books);",
        ],
      ],
      live: [{ path: '/version', includes: ['2.0.0'] }],
    },
    {
      name: 'a route taken out (entry file)',
      file: 'index.js',
      replace: [["app.get('/version', (c) => c.json({ version: '2.0.0' }));\n\n", '']],
      live: [{ path: '/version', status: 404, includes: ['nothing at /version'] }],
    },
    {
      // Middleware for the sub-app's paths, registered before it is mounted: it runs before them.
      name: 'new middleware for the sub-app’s paths (entry file)',
      file: 'index.js',
      replace: [
        [
          "app.route('/books', books);",
          "app.use('/books/*', async (c, next) => {\n  await next();\n  c.header('X-Shelf', 'open');\n});\n\napp.route('/books', books);",
        ],
      ],
      live: [{ path: '/books/1', header: ['x-shelf', 'open'] }],
    },
    {
      name: 'syntax error (sub-app module)',
      file: 'routes/books.js',
      syntaxError: true,
      replace: [[oneBook, brokenOneBook]],
      unchanged: ['/books/1', '/books/999'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/books.js',
      replace: [[brokenOneBook, oneBook.replace('no such book', 'book not found')]],
      live: [{ path: '/books/999', status: 404, includes: ['book not found'] }],
    },
  ],
};
