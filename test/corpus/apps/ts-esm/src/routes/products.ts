import { Router, type Request, type Response } from 'express';
import { catalog } from '../services/catalog.js';
import { formatPrice } from '../lib/money.js';
import { isCategory } from '../category.js';
import { settings } from '../settings.js';
import type { Product } from '../types.js';

export const productsRouter = Router();

const view = (product: Product) => ({ ...product, price: formatPrice(product.priceCents) });

productsRouter.get('/', (_req: Request, res: Response) => {
  const products = catalog.list().slice(0, settings.pageSize);
  res.json({ count: products.length, products: products.map(view) });
});

productsRouter.get('/:id', (req: Request, res: Response) => {
  const product = catalog.find(Number(req.params.id));
  if (!product) {
    res.status(404).json({ error: 'no such product' });
    return;
  }
  res.json(view(product));
});

productsRouter.post('/', (req: Request, res: Response) => {
  const { name, priceCents, category } = req.body ?? {};
  if (typeof name !== 'string' || !Number.isInteger(priceCents)) {
    res.status(400).json({ error: 'name and priceCents are required' });
    return;
  }
  if (category !== undefined && !isCategory(category)) {
    res.status(400).json({ error: `unknown category ${String(category)}` });
    return;
  }
  res.status(201).json(view(catalog.add(name, priceCents, category)));
});
