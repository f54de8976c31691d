import type { CorpusApp } from '../lib/types';

const created = 'res.status(201).json(item);';
const brokenCreated = 'res.status(201).json(item;';

/**
 * The app exported by the module that builds it (`module.exports = app`) and a router exported
 * as a property (`exports.router = Router()`), which other modules add routes to: an Express app
 * and router are functions with methods, and under the agent they once reached their importers
 * as trampolines without them (the app died at startup with "this.router.route is not a function").
 */
export const expressAppModule: CorpusApp = {
  dir: 'express-app-module',
  entries: [{ name: 'express-app-module', kind: 'cjs', main: ['server.js'] }],
  health: '/health',
  state: {
    before: [
      { method: 'POST', path: '/items', body: { name: 'kept-{n}', stock: 3 } },
      { method: 'POST', path: '/admin/maintenance', body: { on: true } },
    ],
    probes: [
      { path: '/items', includes: ['kept-{n}'] },
      { path: '/admin/maintenance', includes: ['"maintenance":true'] },
      // Set by the exported object's own method (this.names = …): reset by a load of it once.
      { path: '/recent', includes: ['"kept-{n}"'] },
    ],
  },
  edits: [
    {
      name: 'handler body (the exported app)',
      file: 'app.js',
      replace: [['count: items.length, items:', 'total: items.length, items:']],
      live: [{ path: '/items', includes: ['"total":'] }],
    },
    {
      name: 'helper the exported app calls',
      file: 'routes/format.js',
      replace: [['return `${item.name} (${item.stock} in stock)`;', 'return `${item.name}: ${item.stock} left`;']],
      live: [{ path: '/items', includes: ['bolt: 40 left'] }],
    },
    {
      name: 'new route (the exported app)',
      file: 'app.js',
      replace: [
        [
          '\nmodule.exports = app;',
          "\napp.get('/items/count', (req, res) => res.json({ count: items.length }));\n\nmodule.exports = app;",
        ],
      ],
      live: [{ path: '/items/count', includes: ['"count":'] }],
    },
    {
      name: 'handler body (the router exported as a property)',
      file: 'routes/admin.js',
      replace: [['memory: process.memoryUsage().rss > 0', 'rssMb: Math.round(process.memoryUsage().rss / 1e6)']],
      live: [{ path: '/admin/stats', includes: ['"rssMb":'] }],
    },
    {
      name: 'handler body (a route another module added to that router)',
      file: 'routes/maintenance.js',
      replace: [
        [
          "router.get('/maintenance', (req, res) => {\n  res.json({ maintenance });",
          "router.get('/maintenance', (req, res) => {\n  res.json({ maintenance, since: 'boot' });",
        ],
      ],
      live: [{ path: '/admin/maintenance', includes: ['"since":"boot"', '"maintenance":true'] }],
    },
    {
      name: 'arrow function with a trailing comma after its parameters',
      file: 'routes/format.js',
      replace: [['in ${expectedDeliveryDateInDays} days`;', 'within ${expectedDeliveryDateInDays} days`;']],
      live: [{ path: '/restock', includes: ['within 3 days'] }],
    },
    {
      name: 'method of an exported object holding data (this.names = …)',
      file: 'lib/recent.js',
      replace: [
        [
          'return { recent: this.names, added: this.count };',
          "return { recent: this.names, added: this.count, since: 'boot' };",
        ],
      ],
      live: [{ path: '/recent', includes: ['"since":"boot"'] }],
    },
    {
      name: "constructor function's prototype method",
      file: 'lib/hit-counter.js',
      replace: [
        [
          'return { counter: this.name, hits: this.hits };',
          'return { counter: this.name, hits: this.hits, live: true };',
        ],
      ],
      live: [{ path: '/visits', includes: ['"live":true'] }],
    },
    {
      name: 'syntax error',
      file: 'app.js',
      syntaxError: true,
      replace: [[created, brokenCreated]],
      unchanged: ['/items', '/admin/maintenance'],
    },
    {
      name: 'syntax error fixed',
      file: 'app.js',
      replace: [[brokenCreated, 'res.status(201).json({ ...item, created: true });']],
      live: [
        { method: 'POST', path: '/items', body: { name: 'probe-{n}' }, status: 201, includes: ['"created":true'] },
      ],
    },
  ],
};
