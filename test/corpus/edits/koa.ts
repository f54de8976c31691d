import type { CorpusApp } from '../lib/types';

const newProduct = 'const product = { id: nextId++, name, price: Number(price) || 0 };';
const brokenNewProduct = 'const product = { id: nextId++, name, price: Number(price) || 0 ;';

export const koa: CorpusApp = {
  dir: 'koa',
  entries: [{ name: 'koa', kind: 'cjs', main: ['app.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/products', body: { name: 'kept-{n}', price: 1 } }],
    probes: [{ path: '/products', includes: ['kept-{n}'] }],
  },
  edits: [
    {
      name: 'handler body (entry file)',
      file: 'app.js',
      replace: [
        [
          'ctx.body = products.map((p) => ({ id: p.id, name: p.name, price: formatPrice(p.price) }));',
          'ctx.body = {\n    count: products.length,\n    items: products.map((p) => ({ id: p.id, name: p.name, price: formatPrice(p.price) })),\n  };',
        ],
      ],
      live: [{ path: '/products', includes: ['"count":'] }],
    },
    {
      name: 'helper function',
      file: 'app.js',
      replace: [['return `${amount.toFixed(2)} ${CURRENCY}`;', 'return `${CURRENCY} ${amount.toFixed(2)}`;']],
      live: [{ path: '/products', includes: ['"EUR 24.50"'] }],
    },
    {
      name: 'constant',
      file: 'app.js',
      replace: [["const CURRENCY = 'EUR';", "const CURRENCY = 'USD';"]],
      live: [{ path: '/products', includes: ['"USD 24.50"'] }],
    },
    {
      name: 'new route',
      file: 'app.js',
      replace: [
        [
          'app.use(router.routes())',
          "router.get('/products/:id', (ctx) => {\n  const product = products.find((p) => p.id === Number(ctx.params.id));\n  ctx.assert(product, 404, 'no such product');\n  ctx.body = product;\n});\n\napp.use(router.routes())",
        ],
      ],
      live: [{ path: '/products/1', includes: ['Teapot'] }],
    },
    {
      name: 'middleware',
      file: 'app.js',
      replace: [['    await next();\n', "    await next();\n    ctx.set('X-Shop', 'corpus');\n"]],
      live: [{ path: '/products', header: ['x-shop', 'corpus'] }],
    },
    {
      name: 'syntax error',
      file: 'app.js',
      syntaxError: true,
      replace: [[newProduct, brokenNewProduct]],
      unchanged: ['/products', '/products/1'],
    },
    {
      name: 'syntax error fixed',
      file: 'app.js',
      replace: [[brokenNewProduct, newProduct.replace('|| 0 }', '|| 0, addedAt: Date.now() }')]],
      live: [
        {
          method: 'POST',
          path: '/products',
          body: { name: 'probe-{n}', price: 2 },
          status: 201,
          includes: ['"addedAt":'],
        },
      ],
    },
  ],
};
