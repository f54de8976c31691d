'use strict';
const { GraphQLError } = require('graphql');
const { describe } = require('./format');

exports.resolvers = {
  Query: {
    books: (_parent, _args, { library }) => library.all(),
    book(_parent, { id }, { library }) {
      const book = library.byId(id);
      if (!book) throw new GraphQLError(`no book ${id}`, { extensions: { code: 'NOT_FOUND' } });
      return book;
    },
    search: (_parent, { term }, { library }) => library.search(term),
    stats: (_parent, _args, context) => ({ context }),
  },
  Stats: {
    books: ({ context }) => context.library.all().length,
    authors: ({ context }) => new Set(context.library.all().map((book) => book.author)).size,
    label: () => 'library',
    requestNumber: ({ context }) => context.requestNumber,
  },
  Book: {
    title: (book) => describe(book),
  },
  Mutation: {
    addBook(_parent, { title, author, year }, { library }) {
      return library.add({ title, author, year: year ?? null });
    },
  },
};
