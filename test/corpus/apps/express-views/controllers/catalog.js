// The catalog's pages: each renders a view with what the model gives.
const books = require('../models/books');

exports.bookList = (req, res) => {
  res.render('books', { title: 'Books', books: books.all() });
};

exports.bookDetail = (req, res) => {
  const book = books.find(Number(req.params.id));
  if (!book) return res.status(404).render('not-found', { title: 'No such book' });
  res.render('book', { title: book.title, book });
};

// A form posts here and is sent back to the list; an API client posting JSON gets the book.
exports.bookCreate = (req, res) => {
  const book = books.add({ title: String(req.body.title ?? 'untitled'), price: Number(req.body.price ?? 0) });
  if (req.is('application/json')) return res.status(201).json(book);
  res.redirect(`/books/${book.id}`);
};
