// Hono on Node: routes inline next to serve(), a books sub-app mounted with app.route(),
// a request-counting middleware, and the app's own notFound and onError handlers.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import books from './routes/books.js';

const PORT = Number(process.env.PORT ?? 3000);
const SERVICE = 'library';

const app = new Hono();

let requests = 0;
app.use('*', async (c, next) => {
  requests++;
  await next();
});

app.get('/health', (c) => c.text('ok'));

app.get('/', (c) => c.json({ service: SERVICE, requests }));

app.get('/stats', (c) => {
  return c.text(`${requests} requests served`);
});

app.route('/books', books);

app.notFound((c) => c.json({ error: `no route for ${c.req.path}` }, 404));

app.onError((err, c) => {
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  console.error(err);
  return c.json({ error: 'internal error' }, 500);
});

serve({ fetch: app.fetch, port: PORT, hostname: '127.0.0.1' }, (info) => {
  console.log(`hono listening on http://127.0.0.1:${info.port}`);
});
