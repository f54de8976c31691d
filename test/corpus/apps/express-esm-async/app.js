import express from 'express';
import { banner } from './lib/config.js';
import { find, lowStock, products, receive } from './lib/inventory.js';

const app = express();
app.use(express.json());

app.get('/health', (req, res) => res.json({ ok: true }));

app.get('/', (req, res) => {
  res.json({ shop: banner(), products: products.map((product) => product.sku) });
});

app.get('/products/:sku', (req, res) => {
  const product = find(req.params.sku);
  if (!product) return res.status(404).json({ error: `no product ${req.params.sku}` });
  res.json(product);
});

app.post('/products', (req, res) => {
  const { sku, name, quantity } = req.body ?? {};
  res.status(201).json(receive(String(sku), String(name ?? sku), Number(quantity ?? 1)));
});

app.get('/low-stock', (req, res) => {
  res.json(lowStock().map((product) => product.sku));
});

app.get('/report', async (req, res) => {
  const { stockReport } = await import('./lib/reports.js');
  res.json(stockReport());
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
