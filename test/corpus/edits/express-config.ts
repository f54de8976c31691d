import type { CorpusApp } from '../lib/types';

const tooLong = 'if (title.length > constants.MAX_TITLE_LENGTH) {';
const brokenTooLong = 'if (title.length > constants.MAX_TITLE_LENGTH {';

/**
 * Settings in modules of their own, as most apps keep them: values in variables exported in an
 * object (`module.exports = { port, pagination: { limit } }`) or one by one (`exports.X = X`),
 * read by handlers at each request; a frozen object of messages; a module that copied a
 * constant at startup (`const { DEFAULT_STATUS } = require(…)`); one that described a constant it
 * took, once, at startup (lib/rules.js).
 */
export const expressConfig: CorpusApp = {
  dir: 'express-config',
  entries: [{ name: 'express-config', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/articles', body: { title: 'kept-{n}', body: 'kept' } }],
    probes: [{ path: '/articles/by-title/kept-{n}', includes: ['"title":"kept-{n}"'] }],
  },
  edits: [
    {
      name: 'handler body (router module)',
      file: 'routes/articles.js',
      replace: [["{ error: 'a title is required' }", "{ error: 'every article needs a title' }"]],
      live: [{ method: 'POST', path: '/articles', body: {}, status: 400, includes: ['every article needs a title'] }],
    },
    {
      name: 'a constant exported by name (exports.X = X)',
      file: 'lib/constants.js',
      replace: [['const MAX_TITLE_LENGTH = 80;', 'const MAX_TITLE_LENGTH = 12;']],
      live: [
        {
          method: 'POST',
          path: '/articles',
          body: { title: 'a title of more than twelve characters' },
          status: 400,
          includes: ['longer than 12 characters'],
        },
      ],
    },
    {
      name: 'an array of roles exported by name',
      file: 'lib/constants.js',
      replace: [["const ROLES = ['admin', 'editor'];", "const ROLES = ['admin', 'editor', 'viewer'];"]],
      live: [{ method: 'POST', path: '/articles?role=viewer', body: { title: 'viewer-{n}' }, status: 201 }],
    },
    {
      name: 'a setting of the config object (module.exports = { … })',
      file: 'config/index.js',
      replace: [['const PAGE_LIMIT = 5;', 'const PAGE_LIMIT = 2;']],
      live: [{ path: '/articles', includes: ['"limit":2'] }],
    },
    {
      name: 'a nested setting of the config object',
      file: 'config/index.js',
      replace: [['const MAX_PAGE_LIMIT = 50;', 'const MAX_PAGE_LIMIT = 3;']],
      live: [{ path: '/articles?limit=40', includes: ['"limit":3'] }],
    },
    {
      name: 'a message of a frozen object (Object.freeze)',
      file: 'lib/messages.js',
      replace: [["const APP_NAME = 'Articles';", "const APP_NAME = 'Newsroom';"]],
      live: [{ path: '/', includes: ['Welcome to Newsroom', '"app":"Newsroom"'] }],
    },
    {
      name: 'a constant another module copied at startup',
      file: 'lib/constants.js',
      replace: [["const DEFAULT_STATUS = 'draft';", "const DEFAULT_STATUS = 'review';"]],
      live: [
        {
          method: 'POST',
          path: '/articles',
          body: { title: 'status-{n}' },
          status: 201,
          includes: ['"status":"review"'],
        },
      ],
    },
    {
      name: 'a new exported constant, used by a route',
      file: 'lib/constants.js',
      replace: [
        [
          'exports.ROLES = ROLES;',
          'const MAX_BODY_LENGTH = 20;\n\nexports.ROLES = ROLES;\nexports.MAX_BODY_LENGTH = MAX_BODY_LENGTH;',
        ],
      ],
      also: [
        {
          file: 'routes/articles.js',
          replace: [
            [
              '  res.status(201).json(store.add({ title, body: req.body.body }));',
              "  if (String(req.body.body || '').length > constants.MAX_BODY_LENGTH) {\n    return res.status(400).json({ error: `the body is longer than ${constants.MAX_BODY_LENGTH} characters` });\n  }\n  res.status(201).json(store.add({ title, body: req.body.body }));",
            ],
          ],
        },
      ],
      live: [
        {
          method: 'POST',
          path: '/articles',
          body: { title: 'long-{n}', body: 'a body far longer than the limit' },
          status: 400,
          includes: ['the body is longer than 20 characters'],
        },
      ],
    },
    {
      name: 'data module: a function',
      file: 'store/articles.js',
      replace: [
        [
          "const article = { id: nextId++, title, body: body || '', status: DEFAULT_STATUS };",
          "const article = { id: nextId++, title, body: body || '', words: (body || '').split(/\\s+/).filter(Boolean).length, status: DEFAULT_STATUS };",
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/articles',
          body: { title: 'words-{n}', body: 'one two three' },
          status: 201,
          includes: ['"words":3'],
        },
      ],
    },
    {
      name: 'syntax error',
      file: 'routes/articles.js',
      syntaxError: true,
      replace: [[tooLong, brokenTooLong]],
      unchanged: ['/settings'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/articles.js',
      replace: [
        [brokenTooLong, tooLong],
        [
          '`the title is longer than ${constants.MAX_TITLE_LENGTH} characters`',
          '`titles have at most ${constants.MAX_TITLE_LENGTH} characters`',
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/articles',
          body: { title: 'a title of more than twelve characters' },
          status: 400,
          includes: ['titles have at most 12 characters'],
        },
      ],
    },
    {
      // lib/rules.js took MAX_TITLE_LENGTH into a constant and described it once, at startup.
      name: 'a constant another module took and described at startup',
      file: 'lib/constants.js',
      replace: [['const MAX_TITLE_LENGTH = 12;', 'const MAX_TITLE_LENGTH = 100;']],
      live: [{ path: '/rules', includes: ['titles of at most 100 characters'] }],
    },
  ],
};
