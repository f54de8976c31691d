import type { Category } from './category.js';

export interface Product {
  id: number;
  name: string;
  priceCents: number;
  category: Category;
}
