import type { CorpusApp } from '../lib/types';

const notFound = "return res.status(404).render('not-found', { title: 'No such book' });";
const brokenNotFound = "return res.status(404).render('not-found', { title: 'No such book' };";

/**
 * Server-rendered pages (EJS), as the MDN Local Library and many admin tools are made: the view
 * engine set once at startup, controllers rendering views with a model's data, helpers put in
 * app.locals once and called by the views, a res.locals middleware the layout reads, a 404 page
 * rendered by the last middleware. The views themselves are not edited: Express reads them at
 * each render while it is not in production (no view cache), with or without a tool.
 */
export const expressViews: CorpusApp = {
  dir: 'express-views',
  entries: [{ name: 'express-views', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/books', body: { title: 'kept-{n}', price: 500 } }],
    probes: [{ path: '/books', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: "a controller's render data (the page title)",
      file: 'controllers/catalog.js',
      replace: [
        [
          "res.render('books', { title: 'Books', books: books.all() });",
          "res.render('books', { title: 'All books', books: books.all() });",
        ],
      ],
      live: [{ path: '/books', includes: ['<h1>All books</h1>', 'Dune'] }],
    },
    {
      name: 'a view helper put in app.locals once at startup (formatPrice)',
      file: 'lib/helpers.js',
      replace: [['return `$${(cents / 100).toFixed(2)}`;', 'return `USD ${(cents / 100).toFixed(2)}`;']],
      live: [{ path: '/books', includes: ['USD 9.99'] }],
    },
    {
      name: 'the res.locals middleware the layout reads',
      file: 'app.js',
      replace: [['  res.locals.year = 2026;\n', '  res.locals.year = 2027;\n']],
      live: [{ path: '/books/1', includes: ['© 2027'] }],
    },
    {
      name: 'a model function and a new page: a filter, its controller and its route',
      file: 'models/books.js',
      replace: [
        [
          'function find(id) {',
          'function cheaperThan(cents) {\n  return shelf.filter((book) => book.price < cents);\n}\n\nfunction find(id) {',
        ],
        ['module.exports = { all, find, add };', 'module.exports = { all, cheaperThan, find, add };'],
      ],
      also: [
        {
          file: 'controllers/catalog.js',
          replace: [
            [
              'exports.bookDetail = ',
              "exports.bargains = (req, res) => {\n  res.render('books', { title: 'Bargains', books: books.cheaperThan(1000) });\n};\n\nexports.bookDetail = ",
            ],
          ],
        },
        {
          file: 'app.js',
          replace: [
            [
              "app.get('/books/:id', catalog.bookDetail);",
              "app.get('/bargains', catalog.bargains);\napp.get('/books/:id', catalog.bookDetail);",
            ],
          ],
        },
      ],
      live: [{ path: '/bargains', includes: ['<h1>Bargains</h1>', 'Dune'], excludes: ['Neuromancer'] }],
    },
    {
      name: 'the 404 page rendered by the last middleware',
      file: 'app.js',
      replace: [
        [
          "res.status(404).render('not-found', { title: 'Not found' })",
          "res.status(404).render('not-found', { title: 'Page not found' })",
        ],
      ],
      live: [{ path: '/no-such-page', status: 404, includes: ['<h1>Page not found</h1>'] }],
    },
    {
      name: 'a form post answered with a redirect: where it goes',
      file: 'controllers/catalog.js',
      replace: [['  res.redirect(`/books/${book.id}`);', "  res.redirect('/books');"]],
      live: [
        {
          method: 'POST',
          path: '/books',
          body: { title: 'posted-{n}', price: 100 },
          status: 201,
          includes: ['posted-{n}'],
        },
      ],
    },
    {
      name: 'syntax error',
      file: 'controllers/catalog.js',
      syntaxError: true,
      replace: [[notFound, brokenNotFound]],
      unchanged: ['/books/999999'],
    },
    {
      name: 'syntax error fixed',
      file: 'controllers/catalog.js',
      replace: [[brokenNotFound, notFound.replace('No such book', 'Book not found')]],
      live: [{ path: '/books/999999', status: 404, includes: ['Book not found'] }],
    },
  ],
};
