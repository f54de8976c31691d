// The layout of the Express guide and of many older codebases: route chains
// (`router.route(path).get(…).post(…)`), `app.param` loading the item a route names, handlers
// as the methods of an object, app.locals set once, an audit log fed by an event emitter.
const express = require('express');
const books = require('./lib/books');
const { requireRole } = require('./lib/roles');

const app = express();
app.use(express.json());
app.locals.title = 'Library';

app.param('id', (req, res, next, id) => {
  const book = books.store.get(Number(id));
  if (!book) return res.status(404).json({ error: `no book ${id}` });
  req.book = book;
  next();
});

const handlers = {
  list(req, res) {
    res.json({ title: req.app.locals.title, books: [...books.store.values()] });
  },
  create(req, res) {
    const book = books.add(String(req.body.title ?? 'untitled'));
    res.status(201).json(book);
  },
};

app.route('/books').get(handlers.list).post(handlers.create);

app
  .route('/books/:id')
  .get((req, res) => res.json(req.book))
  .delete(requireRole('admin'), (req, res) => {
    books.store.delete(req.book.id);
    res.status(204).end();
  });

app.get('/audit', (req, res) => res.json(books.audit));
app.get('/health', (req, res) => res.json({ ok: true }));

function errorHandler(err, req, res, next) {
  res.status(500).json({ error: err.message });
}
app.use(errorHandler);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`library on http://127.0.0.1:${port}`));
