import type { CorpusApp } from '../lib/types';

const cacheStats = 'return { size: this.entries.size, hits: this.hits, misses: this.misses, ttlMs: this.ttlMs };';
const brokenCacheStats = 'return { size: this.entries.size, hits: this.hits, misses: this.misses, ttlMs: this.ttlMs ;';

/**
 * Work that outlives a request: a listener added to an event bus when its module loads, a job on
 * an interval started once at boot, a class singleton whose constructor started a sweeper timer.
 * A reload that runs a module's top level again naively doubles the listener, leaves the old
 * interval running the old code, or builds a second, empty cache.
 */
export const expressJobs: CorpusApp = {
  dir: 'express-jobs',
  entries: [{ name: 'express-jobs', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/api/notes', body: { text: 'kept-{n}' } }],
    probes: [{ path: '/api/notes', includes: ['kept-{n}'] }],
    // The cache singleton's entries: a second instance would start empty.
    keep: [{ path: '/cache', extract: /"size":(\d+)/ }],
  },
  edits: [
    {
      name: 'middleware in its own module (a header)',
      file: 'middleware/request-id.js',
      replace: [['`req-${issued}`', '`rid-${issued}`']],
      live: [{ path: '/health', header: ['x-request-id', 'rid-'] }],
    },
    {
      name: 'method of a class singleton',
      file: 'services/cache.js',
      replace: [['return { size: this.entries.size, hits: this.hits, misses: this.misses };', cacheStats]],
      live: [{ path: '/cache', includes: ['"ttlMs":600000'] }],
    },
    {
      name: 'event listener added at load (bus.on)',
      file: 'jobs/stats.js',
      replace: [
        ['let ticks = 0;', 'let ticks = 0;\nlet failures = 0;'],
        [
          'function onRequest({ path }) {\n  byPath.set(path, (byPath.get(path) ?? 0) + 1);\n}',
          'function onRequest({ path, status }) {\n  byPath.set(path, (byPath.get(path) ?? 0) + 1);\n  if (status >= 400) failures += 1;\n}',
        ],
        [
          'return { ticks, paths: Object.fromEntries(byPath) };',
          "return { ticks, failures, listeners: bus.listenerCount('request'), paths: Object.fromEntries(byPath) };",
        ],
      ],
      live: [
        { path: '/api/notes/999999', status: 404 },
        { path: '/stats', includes: ['"listeners":1'], excludes: ['"failures":0'] },
      ],
    },
    {
      name: 'interval job body (started at boot)',
      file: 'jobs/stats.js',
      replace: [
        ['let failures = 0;', 'let failures = 0;\nlet lastTickAt = 0;'],
        ['    ticks += 1;\n', '    ticks += 1;\n    lastTickAt = Date.now();\n'],
        ['return { ticks, failures,', 'return { ticks, ticking: Date.now() - lastTickAt < 1000, failures,'],
      ],
      live: [{ path: '/stats', includes: ['"ticking":true'], eventually: 1000 }],
    },
    {
      name: 'inline middleware (entry file)',
      file: 'app.js',
      replace: [
        ['{ path: req.path, status: res.statusCode }', '{ path: `${req.method} ${req.path}`, status: res.statusCode }'],
      ],
      live: [{ path: '/health' }, { path: '/stats', includes: ['"GET /health"'] }],
    },
    {
      // The listener's statement changed: its old listener must stop hearing 'request' (left
      // there, it counted every request twice once moved back).
      name: 'a listener moved to an event nobody emits (bus.on)',
      file: 'jobs/stats.js',
      replace: [["bus.on('request', onRequest);", "bus.on('request:slow', onRequest);"]],
      live: [{ path: '/stats', includes: ['"listeners":0'] }],
    },
    {
      name: 'the listener back on its event (bus.on)',
      file: 'jobs/stats.js',
      replace: [["bus.on('request:slow', onRequest);", "bus.on('request', onRequest);"]],
      live: [{ path: '/stats', includes: ['"listeners":1'] }],
    },
    {
      name: 'new route (router module)',
      file: 'routes/notes.js',
      replace: [
        [
          "router.get('/:id',",
          "router.get('/search', (req, res) => {\n  const q = String(req.query.q ?? '');\n  res.json(notes.filter((n) => n.text.includes(q)));\n});\n\nrouter.get('/:id',",
        ],
      ],
      live: [
        { method: 'POST', path: '/api/notes', body: { text: 'probe-{n}' }, status: 201 },
        { path: '/api/notes/search?q=probe-{n}', includes: ['"probe-{n}"'] },
      ],
    },
    {
      name: 'syntax error',
      file: 'services/cache.js',
      syntaxError: true,
      replace: [[cacheStats, brokenCacheStats]],
      unchanged: ['/health', '/cache'],
    },
    {
      name: 'syntax error fixed',
      file: 'services/cache.js',
      replace: [[brokenCacheStats, cacheStats.replace('ttlMs: this.ttlMs', 'ttlSeconds: this.ttlMs / 1000')]],
      live: [{ path: '/cache', includes: ['"ttlSeconds":600'] }],
    },
  ],
};
