import type { CorpusApp } from '../lib/types';

const received = 'product.stock += quantity;';
const brokenReceived = 'product.stock += quantity;;)';

/**
 * An ES module app that does its setup asynchronously: its settings read with a top-level
 * await before any module importing them runs, its products seeded from JSON imported with an
 * import attribute, and a reports module loaded by a dynamic import on the first request that
 * needs it, not at startup.
 */
export const expressEsmAsync: CorpusApp = {
  dir: 'express-esm-async',
  entries: [{ name: 'express-esm-async', kind: 'esm', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/products', body: { sku: 'kept-{n}', quantity: 2 } }],
    probes: [{ path: '/', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'function of a module whose top level awaits (the await not run again)',
      file: 'lib/config.js',
      replace: [['return `${settings.shopName}`;', 'return `${settings.shopName} (open)`;']],
      live: [{ path: '/', includes: ['Corner shop (open)'] }],
    },
    {
      name: 'module loaded by a dynamic import on a request',
      file: 'lib/reports.js',
      replace: [
        [
          'return { products: products.length, units };',
          'return { products: products.length, units, average: units / products.length };',
        ],
      ],
      live: [{ path: '/report', includes: ['"average":'] }],
      state: {
        before: [{ path: '/report' }, { method: 'POST', path: '/products', body: { sku: 'kept-{n}' } }],
        probes: [{ path: '/', includes: ['kept-{n}'] }],
      },
    },
    {
      name: 'route in the entry',
      file: 'app.js',
      replace: [
        [
          'res.json(lowStock().map((product) => product.sku));',
          'res.json({ low: lowStock().map((product) => product.sku) });',
        ],
      ],
      live: [{ path: '/low-stock', includes: ['"low":['] }],
    },
    {
      name: 'new export, imported and used by a new route of the entry',
      file: 'lib/inventory.js',
      replace: [
        [
          'export function lowStock() {',
          'export function totalUnits() {\n  return products.reduce((sum, product) => sum + product.stock, 0);\n}\n\nexport function lowStock() {',
        ],
      ],
      also: [
        {
          file: 'app.js',
          replace: [
            [
              "import { find, lowStock, products, receive } from './lib/inventory.js';",
              "import { find, lowStock, products, receive, totalUnits } from './lib/inventory.js';",
            ],
            [
              "app.get('/report',",
              "app.get('/units', (req, res) => res.json({ units: totalUnits() }));\n\napp.get('/report',",
            ],
          ],
        },
      ],
      live: [{ path: '/units', includes: ['"units":'] }],
    },
    {
      name: 'syntax error',
      file: 'lib/inventory.js',
      syntaxError: true,
      replace: [[received, brokenReceived]],
      unchanged: ['/'],
    },
    {
      name: 'syntax error fixed',
      file: 'lib/inventory.js',
      replace: [[brokenReceived, 'product.stock += quantity;\n  product.updated = true;']],
      live: [
        { method: 'POST', path: '/products', body: { sku: 'probe-{n}' }, status: 201, includes: ['"updated":true'] },
      ],
    },
  ],
};
