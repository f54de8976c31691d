// Loaded on the first request that needs it (a dynamic import), not at startup.
import { products } from './inventory.js';

export function stockReport() {
  const units = products.reduce((sum, product) => sum + product.stock, 0);
  return { products: products.length, units };
}
