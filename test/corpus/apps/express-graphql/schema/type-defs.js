'use strict';

exports.typeDefs = /* GraphQL */ `
  type Book {
    id: ID!
    title: String!
    author: String!
    year: Int
  }

  type Stats {
    books: Int!
    authors: Int!
    label: String!
    requestNumber: Int!
  }

  type Query {
    books: [Book!]!
    book(id: ID!): Book
    search(term: String!): [Book!]!
    stats: Stats!
  }

  type Mutation {
    addBook(title: String!, author: String!, year: Int): Book!
  }
`;
