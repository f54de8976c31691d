// Koa with @koa/router; the product list lives in the entry file.
const Koa = require('koa');
const Router = require('@koa/router');

const PORT = Number(process.env.PORT || 3000);
const CURRENCY = 'EUR';

const products = [
  { id: 1, name: 'Teapot', price: 24.5 },
  { id: 2, name: 'Kettle', price: 39 },
];
let nextId = 3;

function formatPrice(amount) {
  return `${amount.toFixed(2)} ${CURRENCY}`;
}

async function readJson(ctx) {
  let raw = '';
  for await (const chunk of ctx.req) raw += chunk;
  return raw ? JSON.parse(raw) : {};
}

const app = new Koa();
const router = new Router();

app.use(async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    ctx.status = err.status || 500;
    ctx.body = { error: err.message };
  }
});

router.get('/health', (ctx) => {
  ctx.body = 'ok';
});

router.get('/products', (ctx) => {
  ctx.body = products.map((p) => ({ id: p.id, name: p.name, price: formatPrice(p.price) }));
});

router.post('/products', async (ctx) => {
  const { name, price } = await readJson(ctx);
  ctx.assert(name, 400, 'name is required');
  const product = { id: nextId++, name, price: Number(price) || 0 };
  products.push(product);
  ctx.status = 201;
  ctx.body = product;
});

app.use(router.routes()).use(router.allowedMethods());

app.listen(PORT, '127.0.0.1', () => {
  console.log(`shop listening on http://127.0.0.1:${PORT}`);
});
