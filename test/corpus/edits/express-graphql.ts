import type { CorpusApp } from '../lib/types';

/** A GraphQL query sent as a GET, as GraphQL over HTTP allows for queries. */
const query = (text: string): string => `/graphql?query=${encodeURIComponent(text)}`;
const addBook = (title: string) => ({
  method: 'POST' as const,
  path: '/graphql',
  body: { query: `mutation { addBook(title: ${JSON.stringify(title)}, author: "Kept Author") { id title } }` },
});
const added = 'return library.add({ title, author, year: year ?? null });';
const trimmed = 'return library.add({ title: title.trim(), author, year: year ?? null });';
const brokenTrimmed = 'return library.add({ title: title.trim(), author, year: year ?? null };';

/**
 * A GraphQL API: graphql-yoga mounted on Express, its schema built once at startup from type
 * definitions in one module and a resolver map in another (the schema holds each resolver
 * function, set on its field); the books in a class's private fields; a context made per request
 * by a function passed to createYoga, counting the requests in a module variable.
 */
export const expressGraphql: CorpusApp = {
  dir: 'express-graphql',
  entries: [{ name: 'express-graphql', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [addBook('kept-{n}')],
    probes: [{ path: query('{ books { title } }'), includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: "a field resolver's body, set on the schema at startup",
      file: 'schema/resolvers.js',
      replace: [["label: () => 'library',", "label: () => 'the library',"]],
      live: [{ path: query('{ stats { label } }'), includes: ['"label":"the library"'] }],
    },
    {
      name: 'a helper the resolvers call, in its own module',
      file: 'schema/format.js',
      replace: [['return book.title;', 'return book.year ? `${book.title} (${book.year})` : book.title;']],
      live: [{ path: query('{ books { title } }'), includes: ['Programming Erlang (2013)'] }],
    },
    {
      name: 'a method of the class holding the books (private fields)',
      file: 'data/library.js',
      replace: [
        [
          'return this.all().filter((book) => book.title.includes(term));',
          'return this.all().filter((book) => book.title.toLowerCase().includes(term.toLowerCase()));',
        ],
      ],
      live: [{ path: query('{ search(term: "erlang") { id } }'), includes: ['"id":"1"'] }],
    },
    {
      name: 'the context function passed to createYoga, and a resolver that reads what it adds',
      file: 'server.js',
      replace: [
        [
          'context: () => ({ library, requestNumber: ++served }),',
          "context: ({ request }) => ({ library, requestNumber: ++served, viewer: request.headers.get('x-viewer') ?? 'guest' }),",
        ],
      ],
      also: [
        {
          file: 'schema/resolvers.js',
          replace: [["label: () => 'the library',", 'label: ({ context }) => `the library, for ${context.viewer}`,']],
        },
      ],
      live: [{ path: query('{ stats { label } }'), includes: ['"label":"the library, for guest"'] }],
      state: {
        before: [addBook('kept-{n}'), addBook('kept-{n}-again')],
        probes: [
          { path: query('{ books { title } }'), includes: ['kept-{n}', 'kept-{n}-again'] },
          // The count went on from startup: far more requests than this edit's own.
          { path: query('{ stats { requestNumber } }'), excludes: ['"requestNumber":1}', '"requestNumber":2}'] },
        ],
      },
    },
    {
      name: "a mutation resolver's body",
      file: 'schema/resolvers.js',
      replace: [[added, trimmed]],
      live: [{ ...addBook('  probe-{n}  '), includes: ['"title":"probe-{n}"'] }],
    },
    {
      name: 'a new field: in the type definitions and the resolver map, read once by createSchema',
      file: 'schema/type-defs.js',
      replace: [['    requestNumber: Int!\n  }', '    requestNumber: Int!\n    oldest: Book\n  }']],
      also: [
        {
          file: 'schema/resolvers.js',
          replace: [
            [
              '    requestNumber: ({ context }) => context.requestNumber,\n',
              '    requestNumber: ({ context }) => context.requestNumber,\n' +
                '    oldest: ({ context }) =>\n' +
                '      context.library.all().reduce((oldest, book) => (oldest && oldest.year <= (book.year ?? Infinity) ? oldest : book), null),\n',
            ],
          ],
        },
      ],
      live: [{ path: query('{ stats { oldest { title } } }'), includes: ['Programming Erlang'] }],
    },
    {
      name: 'syntax error',
      file: 'schema/resolvers.js',
      syntaxError: true,
      replace: [[trimmed, brokenTrimmed]],
      unchanged: [query('{ books { title } }')],
    },
    {
      name: 'syntax error fixed',
      file: 'schema/resolvers.js',
      replace: [
        [brokenTrimmed, 'return library.add({ title: title.trim(), author: author.trim(), year: year ?? null });'],
      ],
      live: [{ ...addBook('fixed-{n}'), includes: ['"title":"fixed-{n}"'] }],
    },
  ],
};
