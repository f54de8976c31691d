const express = require('express');
const { body, param, validationResult } = require('express-validator');
const catalog = require('../lib/catalog');
const { cached, invalidate } = require('../lib/cache');

const router = express.Router();

/** Answers 400 with what the request's validation chains found wrong. */
function rejectInvalid(req, res, next) {
  const errors = validationResult(req);
  if (!errors.isEmpty()) return res.status(400).json({ errors: errors.array().map((e) => e.msg) });
  next();
}

function present(product, fromCache) {
  return { ...product, priceWithTax: catalog.priceWithTax(product), cached: fromCache };
}

router.get('/', (req, res) => {
  res.json({ products: catalog.allProducts().map((p) => p.name) });
});

router.get('/by-name/:name', async (req, res) => {
  const { value, cached: fromCache } = await cached(`name:${req.params.name}`, () =>
    catalog.findByName(req.params.name),
  );
  if (!value) return res.status(404).json({ error: 'no such product' });
  res.json(present(value, fromCache));
});

router.get(
  '/:id',
  param('id').isInt({ min: 1 }).withMessage('id must be a positive integer'),
  rejectInvalid,
  async (req, res) => {
    const id = Number(req.params.id);
    const { value, cached: fromCache } = await cached(`id:${id}`, () => catalog.findProduct(id));
    if (!value) return res.status(404).json({ error: 'no such product' });
    res.json(present(value, fromCache));
  },
);

router.post(
  '/',
  body('name').isString().isLength({ min: 2 }).withMessage('name must be at least 2 characters'),
  body('price').isFloat({ gt: 0 }).withMessage('price must be positive'),
  rejectInvalid,
  async (req, res) => {
    const product = await catalog.addProduct(req.body);
    res.status(201).json(product);
  },
);

router.put('/:id/price', body('price').isFloat({ gt: 0 }), rejectInvalid, async (req, res) => {
  const product = await catalog.updatePrice(Number(req.params.id), req.body.price);
  if (!product) return res.status(404).json({ error: 'no such product' });
  invalidate(`id:${product.id}`);
  res.json(product);
});

module.exports = router;
