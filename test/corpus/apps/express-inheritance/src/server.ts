// Repositories that inherit what they share from an abstract base class, errors from one
// another, as class-based TypeScript APIs are laid out; run by tsx.
import express, { type NextFunction, type Request, type Response } from 'express';
import { products, users } from './container';
import { AppError } from './errors';

const app = express();
app.use(express.json());

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

app.get('/users', (_req, res) => {
  res.json({ users: users.findAll() });
});

app.post('/users', (req, res) => {
  res.status(201).json(users.create({ name: String(req.body.name), email: String(req.body.email) }));
});

app.get('/users/:id', (req, res) => {
  res.json(users.get(Number(req.params.id)));
});

app.get('/products', (req, res) => {
  const limit = Number(req.query.under ?? Infinity);
  res.json({ products: products.cheaperThan(limit) });
});

app.post('/products', (req, res) => {
  res.status(201).json(products.create({ name: String(req.body.name), price: Number(req.body.price) }));
});

app.get('/stats', (_req, res) => {
  res.json({ users: users.describe(), products: products.describe() });
});

app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
  if (err instanceof AppError) {
    res.status(err.status).json({ error: err.message, code: err.code });
    return;
  }
  res.status(500).json({ error: String(err) });
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, '127.0.0.1', () => console.log(`inheritance on http://127.0.0.1:${port}`));
