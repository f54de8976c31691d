import type { CorpusApp } from '../lib/types';

const findByNameExact = 'find((product) => product.name === name)';
const brokenFind = 'find((product) => product.name === name';

/**
 * A catalog API with a read-through cache in front of a slow data source, as most apps put one:
 * an LRU cache made once at startup (lru-cache) holding copies of the source's records, counters
 * of hits and misses in a module's object, validation chains (express-validator) made when each
 * route is registered, and a request log kept by a middleware. The probes check that what the
 * cache holds survives each edit.
 */
export const expressCache: CorpusApp = {
  dir: 'express-cache',
  entries: [{ name: 'express-cache', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [
      { method: 'POST', path: '/products', body: { name: 'kept-{n}', price: 10 } },
      { path: '/products/by-name/kept-{n}' },
    ],
    probes: [
      { path: '/products', includes: ['"kept-{n}"'] },
      { path: '/cache', includes: ['"name:kept-{n}"'] },
    ],
  },
  edits: [
    {
      name: 'a constant of the data source (tax rate)',
      file: 'lib/catalog.js',
      replace: [['const TAX_RATE = 0.2;', 'const TAX_RATE = 0.25;']],
      live: [{ path: '/products/1', includes: ['"priceWithTax":37.5'] }],
    },
    {
      name: 'a function body: prices rounded up to whole units',
      file: 'lib/catalog.js',
      replace: [
        [
          'return Math.round(product.price * (1 + TAX_RATE) * 100) / 100;',
          'return Math.ceil(product.price * (1 + TAX_RATE));',
        ],
      ],
      live: [{ path: '/products/2', includes: ['"priceWithTax":57'] }],
    },
    {
      name: "a bug fixed in a route handler: a price change also drops the product's by-name entry",
      file: 'routes/products.js',
      replace: [
        [
          '  invalidate(`id:${product.id}`);\n',
          '  invalidate(`id:${product.id}`);\n  invalidate(`name:${product.name}`);\n',
        ],
      ],
      live: [
        { path: '/products/by-name/lamp', includes: ['"name":"lamp"'] },
        { method: 'PUT', path: '/products/2/price', body: { price: 50 }, includes: ['"price":50'] },
        { path: '/products/by-name/lamp', includes: ['"price":50', '"cached":false'] },
      ],
    },
    {
      name: 'a validation rule, in a chain made as its route was registered',
      file: 'routes/products.js',
      replace: [
        [
          "isLength({ min: 2 }).withMessage('name must be at least 2 characters')",
          "isLength({ min: 3 }).withMessage('name must be at least 3 characters')",
        ],
      ],
      live: [
        { method: 'POST', path: '/products', body: { name: 'ab', price: 5 }, status: 400, includes: ['at least 3'] },
      ],
    },
    {
      name: 'a new route in the router',
      file: 'routes/products.js',
      replace: [
        [
          "router.get(\n  '/:id',\n",
          "router.get('/:id/tags', async (req, res) => {\n  const product = await catalog.findProduct(Number(req.params.id));\n  if (!product) return res.status(404).json({ error: 'no such product' });\n  res.json({ tags: product.tags });\n});\n\nrouter.get(\n  '/:id',\n",
        ],
      ],
      live: [{ path: '/products/1/tags', includes: ['"tags":["kitchen"]'] }],
    },
    {
      name: 'the request log middleware keeps the user agent',
      file: 'lib/request-log.js',
      replace: [
        [
          'log.push({ method: req.method, path: req.originalUrl,',
          "log.push({ method: req.method, agent: req.get('user-agent') ?? 'none', path: req.originalUrl,",
        ],
      ],
      // A request after the edit, then the log: a request is logged once its answer is sent.
      live: [{ path: '/products' }, { path: '/requests', includes: ['"agent":'] }],
    },
    {
      name: 'a new export of the data source, used by a new route',
      file: 'lib/catalog.js',
      replace: [
        [
          'function allProducts() {',
          'async function searchProducts(text) {\n  return later(undefined).then(() => [...products.values()].filter((product) => product.name.includes(text)));\n}\n\nfunction allProducts() {',
        ],
        [
          'module.exports = { findProduct, findByName, addProduct,',
          'module.exports = { findProduct, findByName, searchProducts, addProduct,',
        ],
      ],
      also: [
        {
          file: 'routes/products.js',
          replace: [
            [
              "router.get('/by-name/:name', ",
              "router.get('/search/:text', async (req, res) => {\n  const found = await catalog.searchProducts(req.params.text);\n  res.json({ found: found.map((p) => p.name) });\n});\n\nrouter.get('/by-name/:name', ",
            ],
          ],
        },
      ],
      live: [{ path: '/products/search/ettl', includes: ['"found":["kettle"]'] }],
    },
    {
      name: 'the cache statistics gain a hit rate',
      file: 'lib/cache.js',
      replace: [
        [
          'hits: counts.hits, misses: counts.misses };',
          'hits: counts.hits, misses: counts.misses, hitRate: counts.hits / Math.max(1, counts.hits + counts.misses) };',
        ],
      ],
      live: [{ path: '/cache', includes: ['"hitRate":'] }],
    },
    {
      name: 'the counters gain one (sets), in the object the app has been counting in',
      file: 'lib/cache.js',
      // The type of a module variable the app changes: the editor asks for a codeChange.
      migration: true,
      replace: [
        ['const counts = { hits: 0, misses: 0 };', 'const counts = { hits: 0, misses: 0, sets: 0 };'],
        [
          '  if (value !== undefined) cache.set(key, value);',
          '  if (value !== undefined) {\n    cache.set(key, value);\n    counts.sets++;\n  }',
        ],
        ['hits: counts.hits, misses: counts.misses,', 'hits: counts.hits, misses: counts.misses, sets: counts.sets,'],
      ],
      live: [
        { path: '/products/by-name/kettle' },
        { path: '/products/by-name/lamp' },
        { path: '/cache', includes: ['"sets":'], excludes: ['"sets":null'] },
      ],
    },
    {
      name: "the cache's size, an option of the object made at startup",
      file: 'lib/cache.js',
      replace: [
        ['new LRUCache({ max: 500, ttl: 10 * 60 * 1000 })', 'new LRUCache({ max: 1000, ttl: 10 * 60 * 1000 })'],
      ],
      live: [{ path: '/cache', includes: ['"max":1000'] }],
    },
    {
      name: 'syntax error (data source)',
      file: 'lib/catalog.js',
      syntaxError: true,
      replace: [[findByNameExact, brokenFind]],
      unchanged: ['/products'],
    },
    {
      name: 'syntax error fixed, names found in any case',
      file: 'lib/catalog.js',
      replace: [[brokenFind, 'find((product) => product.name.toLowerCase() === name.toLowerCase())']],
      live: [{ path: '/products/by-name/KETTLE', includes: ['"name":"kettle"'] }],
    },
  ],
};
