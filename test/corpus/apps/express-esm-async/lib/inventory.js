// The products, seeded from JSON imported with an import attribute; changed by requests.
import seed from '../data/seed.json' with { type: 'json' };
import { settings } from './config.js';

export const products = seed.map((product) => ({ ...product }));

export function find(sku) {
  return products.find((product) => product.sku === sku);
}

export function lowStock() {
  return products.filter((product) => product.stock < settings.lowStock);
}

export function receive(sku, name, quantity) {
  const product = find(sku) ?? { sku, name, stock: 0 };
  if (!products.includes(product)) products.push(product);
  product.stock += quantity;
  return product;
}
