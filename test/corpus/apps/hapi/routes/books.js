// Route configs as hapi apps keep them: an array of { method, path, options: { handler } }
// objects, handed to server.route() once at startup. The books live in this module.
'use strict';

const Boom = require('@hapi/boom');

const books = [
  { id: 1, title: 'Programming Erlang', year: 2013 },
  { id: 2, title: 'Designing Data-Intensive Applications', year: 2017 },
];
let nextId = 3;

function findBook(id) {
  return books.find((book) => book.id === Number(id));
}

module.exports = [
  {
    method: 'GET',
    path: '/books',
    options: {
      handler: (request) => {
        const titles = books.map((book) => ({ id: book.id, title: book.title }));
        return titles;
      },
    },
  },
  {
    method: 'GET',
    path: '/books/{id}',
    options: {
      handler: (request) => {
        const book = findBook(request.params.id);
        if (!book) throw Boom.notFound(`no book ${request.params.id}`);
        return { ...book, slug: request.server.methods.slug(book.title) };
      },
    },
  },
  {
    method: 'POST',
    path: '/books',
    options: {
      handler: (request, h) => {
        const { title, year } = request.payload ?? {};
        if (!title) throw Boom.badRequest('a book needs a title');
        const book = { id: nextId++, title, year: Number(year) || null };
        books.push(book);
        return h.response(book).code(201);
      },
    },
  },
];
