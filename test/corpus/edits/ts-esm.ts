import type { CorpusApp } from '../lib/types';

const notFound = "    res.status(404).json({ error: 'no such product' });";
const brokenNotFound = "    res.status(404).json({ error: 'no such product' };";

/** A TypeScript API as ES modules compiled by tsc ("module": "nodenext"), run from dist with source maps; and the same sources run by tsx. */
export const tsEsm: CorpusApp = {
  dir: 'ts-esm',
  entries: [
    { name: 'ts-esm-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'ts-esm-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/products', body: { name: 'kept-{n}', priceCents: 100 } }],
    probes: [{ path: '/products', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (router module)',
      file: 'src/routes/products.ts',
      replace: [
        [
          'res.json({ count: products.length, products: products.map(view) });',
          'res.json({ total: products.length, products: products.map(view) });',
        ],
      ],
      live: [{ path: '/products', includes: ['"total":'] }],
    },
    {
      name: 'helper function (imported module)',
      file: 'src/lib/money.ts',
      replace: [
        [
          'return `${(cents / 100).toFixed(2)} ${settings.currency}`;',
          'return `${settings.currency} ${(cents / 100).toFixed(2)}`;',
        ],
      ],
      live: [{ path: '/products/1', includes: ['"price":"EUR 42.00"'] }],
    },
    {
      name: 'a setting in an exported object literal (`as const`)',
      file: 'src/settings.ts',
      replace: [["currency: 'EUR',", "currency: 'USD',"]],
      live: [
        { path: '/about', includes: ['"currency":"USD"'] },
        { path: '/products/1', includes: ['USD 42.00'] },
      ],
    },
    {
      name: 'a string enum gains a member (tsc fills it in a function)',
      file: 'src/category.ts',
      replace: [["  Games = 'games',\n", "  Games = 'games',\n  Music = 'music',\n"]],
      live: [
        { path: '/categories', includes: ['"music"'] },
        {
          method: 'POST',
          path: '/products',
          body: { name: 'probe-{n}', priceCents: 500, category: 'music' },
          status: 201,
          includes: ['"category":"music"'],
        },
      ],
    },
    {
      name: 'method of a class with private fields (the instance every router shares)',
      file: 'src/services/catalog.ts',
      replace: [
        [
          'const product: Product = { id: this.#nextId++, name, priceCents, category };',
          'const product: Product = { id: this.#nextId++, name: name.trim(), priceCents, category };',
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/products',
          body: { name: '  probe-{n}  ', priceCents: 100 },
          status: 201,
          includes: ['"name":"probe-{n}"'],
        },
      ],
    },
    {
      name: 'new method on that class, used by a new route',
      file: 'src/services/catalog.ts',
      replace: [
        [
          '  find(id: number): Product | undefined {',
          '  count(): number {\n    return this.#products.size;\n  }\n\n  find(id: number): Product | undefined {',
        ],
      ],
      also: [
        {
          file: 'src/routes/products.ts',
          replace: [
            [
              "productsRouter.get('/:id', (req: Request, res: Response) => {",
              "productsRouter.get('/count', (_req: Request, res: Response) => {\n  res.json({ products: catalog.count() });\n});\n\nproductsRouter.get('/:id', (req: Request, res: Response) => {",
            ],
          ],
        },
      ],
      live: [{ path: '/products/count', includes: ['"products":'] }],
    },
    {
      name: 'new route (router module)',
      file: 'src/routes/categories.ts',
      replace: [
        [
          "categoriesRouter.get('/:name', (req, res) => {",
          "categoriesRouter.get('/:name/names', (req, res) => {\n  res.json({ names: catalog.list().filter((p) => p.category === req.params.name).map((p) => p.name) });\n});\n\ncategoriesRouter.get('/:name', (req, res) => {",
        ],
      ],
      live: [{ path: '/categories/books/names', includes: ['"names":['] }],
    },
    {
      name: 'the middleware a default-exported factory made at startup',
      file: 'src/middleware/timing.ts',
      replace: [["res.setHeader('X-Powered-By', 'corpus');", "res.setHeader('X-Powered-By', 'corpus-2');"]],
      live: [{ path: '/about', header: ['x-powered-by', 'corpus-2'] }],
    },
    {
      name: 'new export of a module, imported by name by another',
      file: 'src/lib/money.ts',
      replace: [
        [
          'export function formatPrice(',
          "export function priceBand(cents: number): string {\n  return cents < 1000 ? 'budget' : 'premium';\n}\n\nexport function formatPrice(",
        ],
      ],
      also: [
        {
          file: 'src/routes/products.ts',
          replace: [
            [
              "import { formatPrice } from '../lib/money.js';",
              "import { formatPrice, priceBand } from '../lib/money.js';",
            ],
            [
              'const view = (product: Product) => ({ ...product, price: formatPrice(product.priceCents) });',
              'const view = (product: Product) => ({\n  ...product,\n  price: formatPrice(product.priceCents),\n  band: priceBand(product.priceCents),\n});',
            ],
          ],
        },
      ],
      live: [{ path: '/products/1', includes: ['"band":"premium"'] }],
    },
    {
      name: 'handler body (entry file, after a top-level await)',
      file: 'src/main.ts',
      replace: [
        [
          'res.json({ name: banner.name, currency: settings.currency, pageSize: settings.pageSize });',
          'res.json({ name: banner.name, currency: settings.currency, pageSize: settings.pageSize, node: process.version });',
        ],
      ],
      live: [{ path: '/about', includes: ['"node":"v'] }],
    },
    {
      name: 'new route (entry file)',
      file: 'src/main.ts',
      replace: [
        [
          "app.use('/products', productsRouter);",
          "app.get('/version', (_req, res) => {\n  res.json({ version: 2 });\n});\napp.use('/products', productsRouter);",
        ],
      ],
      live: [{ path: '/version', includes: ['"version":2'] }],
    },
    {
      name: 'syntax error',
      file: 'src/routes/products.ts',
      syntaxError: true,
      replace: [[notFound, brokenNotFound]],
      unchanged: ['/products/1'],
    },
    {
      name: 'syntax error fixed',
      file: 'src/routes/products.ts',
      replace: [[brokenNotFound, "    res.status(404).json({ error: 'product not found' });"]],
      live: [{ path: '/products/999999', status: 404, includes: ['product not found'] }],
    },
  ],
};
