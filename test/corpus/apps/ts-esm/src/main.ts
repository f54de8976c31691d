// A TypeScript API as ES modules, the layout `tsc --init` with "module": "nodenext" gives a new
// backend today: imports name their `.js` files, the settings are read with a top-level await
// before the routes are mounted, and the compiled `dist/main.js` runs with source maps.
import express from 'express';
import { readFile } from 'node:fs/promises';
import { productsRouter } from './routes/products.js';
import { categoriesRouter } from './routes/categories.js';
import timing from './middleware/timing.js';
import { settings } from './settings.js';

const banner = JSON.parse(await readFile(new URL('../banner.json', import.meta.url), 'utf8')) as { name: string };

const app = express();
app.use(express.json());
app.use(timing());

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});
app.get('/about', (_req, res) => {
  res.json({ name: banner.name, currency: settings.currency, pageSize: settings.pageSize });
});
app.use('/products', productsRouter);
app.use('/categories', categoriesRouter);

const port = Number(process.env.PORT) || 3000;
app.listen(port, '127.0.0.1', () => {
  console.log(`${banner.name} on http://127.0.0.1:${port}`);
});
