import type { CorpusApp } from '../lib/types';

const badRequest = "if (!title) throw Boom.badRequest('a book needs a title');";
const brokenBadRequest = "if (!title) throw Boom.badRequest('a book needs a title';";

export const hapi: CorpusApp = {
  dir: 'hapi',
  entries: [{ name: 'hapi', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [
      { method: 'POST', path: '/books', body: { title: 'kept-{n}', year: 2020 } },
      { method: 'POST', path: '/notes', body: { text: 'kept-{n}' } },
    ],
    probes: [
      { path: '/books', includes: ['kept-{n}'] },
      { path: '/notes', includes: ['kept-{n}'] },
    ],
  },
  edits: [
    {
      name: 'route handler body (a route config module)',
      file: 'routes/books.js',
      replace: [['        return titles;', '        return { count: titles.length, items: titles };']],
      live: [{ path: '/books', includes: ['"count":', '"items":'] }],
    },
    {
      name: 'helper function in lib',
      file: 'lib/text.js',
      replace: [["'-')\n    .replace(/^-|-$/g, '');", "'_')\n    .replace(/^_|_$/g, '');"]],
      live: [{ path: '/books/1', includes: ['"slug":"programming_erlang"'] }],
    },
    {
      name: 'a server method (server.method, registered once at startup)',
      file: 'server.js',
      replace: [
        [
          "server.method('slug', (title) => slugify(title));",
          "server.method('slug', (title) => `book-${slugify(title)}`);",
        ],
      ],
      live: [{ path: '/books/1', includes: ['"slug":"book-programming_erlang"'] }],
    },
    {
      name: 'request lifecycle extension (onPreResponse)',
      file: 'server.js',
      replace: [
        [
          "if (!response.isBoom) response.header('X-Served-By', 'hapi-corpus');",
          "if (!response.isBoom) response.header('X-Served-By', 'hapi-corpus').header('X-Edition', '2');",
        ],
      ],
      live: [{ path: '/books', header: ['x-edition', '2'] }],
    },
    {
      name: "plugin route handler (its data in the plugin's closure)",
      file: 'plugins/notes.js',
      replace: [
        [
          'notes.map((note) => ({ id: note.id, text: excerpt(note.text) }))',
          'notes.map((note) => ({ id: note.id, text: excerpt(note.text), length: note.text.length }))',
        ],
      ],
      live: [{ path: '/notes', includes: ['"length":'] }],
    },
    {
      name: "an error's message (Boom)",
      file: 'routes/books.js',
      replace: [["Boom.badRequest('a book needs a title')", "Boom.badRequest('title is required')"]],
      live: [{ method: 'POST', path: '/books', body: {}, status: 400, includes: ['title is required'] }],
    },
    {
      name: 'a new helper exported by lib, used by a handler (two files)',
      file: 'lib/text.js',
      replace: [
        [
          'module.exports = { slugify, excerpt };',
          'function shout(text) {\n  return String(text).toUpperCase();\n}\n\nmodule.exports = { slugify, excerpt, shout };',
        ],
      ],
      also: [
        {
          file: 'routes/books.js',
          replace: [
            [
              "const Boom = require('@hapi/boom');",
              "const Boom = require('@hapi/boom');\nconst { shout } = require('../lib/text');",
            ],
            [
              'return { ...book, slug: request.server.methods.slug(book.title) };',
              'return { ...book, slug: request.server.methods.slug(book.title), display: shout(book.title) };',
            ],
          ],
        },
      ],
      live: [{ path: '/books/1', includes: ['"display":"PROGRAMMING ERLANG"'] }],
    },
    {
      name: 'new route in the route config module (server.route ran once at startup)',
      file: 'routes/books.js',
      replace: [
        [
          "  {\n    method: 'POST',\n    path: '/books',",
          "  {\n    method: 'GET',\n    path: '/books-count',\n    options: {\n      handler: () => ({ books: books.length }),\n    },\n  },\n  {\n    method: 'POST',\n    path: '/books',",
        ],
      ],
      live: [{ path: '/books-count', includes: ['"books":'] }],
    },
    {
      name: "new route in a plugin's register (it ran once at startup)",
      file: 'plugins/notes.js',
      replace: [
        [
          "    server.route({\n      method: 'POST',",
          "    server.route({\n      method: 'GET',\n      path: '/notes-count',\n      handler: () => ({ notes: notes.length }),\n    });\n\n    server.route({\n      method: 'POST',",
        ],
      ],
      live: [{ path: '/notes-count', includes: ['"notes":'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/books.js',
      syntaxError: true,
      replace: [
        [
          badRequest.replace('a book needs a title', 'title is required'),
          brokenBadRequest.replace('a book needs a title', 'title is required'),
        ],
      ],
      unchanged: ['/books/1'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/books.js',
      replace: [
        [
          brokenBadRequest.replace('a book needs a title', 'title is required'),
          badRequest.replace('a book needs a title', 'a title, please'),
        ],
      ],
      live: [{ method: 'POST', path: '/books', body: {}, status: 400, includes: ['a title, please'] }],
    },
  ],
};
