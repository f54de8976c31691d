import type { CorpusApp } from '../lib/types';

const oneNote = "  if (!note) return res.status(404).json({ error: 'no such note' });";
const brokenNote = "  if (!note) return res.status(404).json({ error: 'no such note' };";

export const expressEsm: CorpusApp = {
  dir: 'express-esm',
  entries: [{ name: 'express-esm', kind: 'esm', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [
      { method: 'POST', path: '/notes', body: { title: 'kept-{n}' } },
      { method: 'POST', path: '/tags', body: { tag: 'kept-{n}' } },
    ],
    probes: [
      { path: '/notes', includes: ['kept-{n}'] },
      { path: '/tags', includes: ['kept-{n}'] },
      // The connection opened at startup, read through the binding connect() assigned.
      { path: '/about', includes: ['"db":"memory"'] },
    ],
  },
  edits: [
    {
      name: 'handler body (router module)',
      file: 'routes/notes.js',
      replace: [['res.json({ count: store.listNotes().length,', 'res.json({ total: store.listNotes().length,']],
      live: [{ path: '/notes', includes: ['"total":'] }],
    },
    {
      name: 'handler body (a router exported by name)',
      file: 'routes/tags.js',
      replace: [['res.json({ tags: [...tags].sort() });', 'res.json({ tags: [...tags].sort(), count: tags.size });']],
      live: [{ path: '/tags', includes: ['"count":'] }],
    },
    {
      name: 'handler body (a route another module added to that router)',
      file: 'lib/tag-admin.js',
      replace: [
        [
          "res.status(201).json({ count: addTag(req.body?.tag ?? 'untitled') });",
          "res.status(201).json({ added: true, count: addTag(req.body?.tag ?? 'untitled') });",
        ],
      ],
      live: [{ method: 'POST', path: '/tags', body: { tag: 'probe-{n}' }, status: 201, includes: ['"added":true'] }],
    },
    {
      name: 'helper function (imported module)',
      file: 'lib/slug.js',
      replace: [[".replace(/[^a-z0-9]+/g, '-');", ".replace(/[^a-z0-9]+/g, '_');"]],
      live: [{ method: 'POST', path: '/notes', body: { title: 'probe {n}' }, status: 201, includes: ['probe_{n}'] }],
    },
    {
      name: 'data module: a function',
      file: 'store.js',
      replace: [
        [
          'const note = { id: nextId++, slug: slugify(title), title, body };',
          'const note = { id: nextId++, slug: slugify(title), title, body, createdAt: Date.now() };',
        ],
      ],
      live: [{ method: 'POST', path: '/notes', body: { title: 'probe-{n}' }, status: 201, includes: ['"createdAt":'] }],
    },
    {
      name: 'data module: a new export',
      file: 'store.js',
      replace: [
        [
          'export function stats() {',
          'export function searchNotes(q) {\n  return listNotes().filter((n) => n.title.toLowerCase().includes(String(q).toLowerCase()));\n}\n\nexport function stats() {',
        ],
      ],
    },
    {
      name: 'new route using the new export (router module)',
      file: 'routes/notes.js',
      replace: [
        [
          "router.get('/:id',",
          "router.get('/search', (req, res) => {\n  res.json(store.searchNotes(req.query.q ?? '').map((n) => n.title));\n});\n\nrouter.get('/:id',",
        ],
      ],
      live: [{ path: '/notes/search?q=welcome', includes: ['"Welcome"'] }],
    },
    {
      name: 'constant (entry file)',
      file: 'app.js',
      replace: [["const SERVICE = 'notes';", "const SERVICE = 'notebook';"]],
      live: [{ path: '/about', includes: ['"service":"notebook"'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'app.js',
      replace: [
        [
          "app.use('/notes', notes);",
          "app.get('/version', (req, res) => res.json({ version: '2.0.0' }));\n\napp.use('/notes', notes);",
        ],
      ],
      live: [{ path: '/version', includes: ['2.0.0'] }],
    },
    {
      name: 'middleware body (entry file)',
      file: 'app.js',
      replace: [['  requests++;\n  next();', "  requests++;\n  res.set('x-served-by', 'notes-v2');\n  next();"]],
      live: [{ path: '/notes', header: ['x-served-by', 'notes-v2'] }],
    },
    {
      name: 'syntax error',
      file: 'routes/notes.js',
      syntaxError: true,
      replace: [[oneNote, brokenNote]],
      unchanged: ['/notes/1', '/version'],
    },
    {
      name: 'syntax error fixed',
      file: 'routes/notes.js',
      replace: [[brokenNote, oneNote.replace('no such note', 'note not found')]],
      live: [{ path: '/notes/999', status: 404, includes: ['note not found'] }],
    },
    {
      // MAX_RESULTS = PAGE_SIZE * 5 did not change: a restart would compute it again.
      name: 'a constant another constant is computed from (settings module)',
      file: 'lib/settings.js',
      replace: [['export const PAGE_SIZE = 20;', 'export const PAGE_SIZE = 10;']],
      live: [{ path: '/settings', includes: ['"pageSize":10', '"maxResults":50'] }],
    },
    {
      name: 'a message of a frozen object (Object.freeze, settings module)',
      file: 'lib/settings.js',
      replace: [["const APP_NAME = 'Notes';", "const APP_NAME = 'Jottings';"]],
      live: [{ path: '/settings', includes: ['Welcome to Jottings'] }],
    },
    {
      // The app registered the function the factory returned at startup: the new one must
      // answer in its place (an export whose statement runs again holds a new function).
      name: "middleware factory's option (lib module)",
      file: 'lib/limits.js',
      replace: [['export const titleLimit = maxTitleLength(60);', 'export const titleLimit = maxTitleLength(30);']],
      live: [
        {
          method: 'POST',
          path: '/notes',
          body: { title: 'probe-{n} with a title of forty characters' },
          status: 413,
          includes: ['longer than 30'],
        },
      ],
    },
  ],
};
