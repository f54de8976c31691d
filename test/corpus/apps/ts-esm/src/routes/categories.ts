import { Router } from 'express';
import { Category, isCategory } from '../category.js';
import { catalog } from '../services/catalog.js';

export const categoriesRouter = Router();

categoriesRouter.get('/', (_req, res) => {
  res.json({ categories: Object.values(Category) });
});

categoriesRouter.get('/:name', (req, res) => {
  if (!isCategory(req.params.name)) {
    res.status(404).json({ error: 'no such category' });
    return;
  }
  res.json({ category: req.params.name, products: catalog.inCategory(req.params.name).length });
});
