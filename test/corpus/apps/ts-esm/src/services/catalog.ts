import { Category } from '../category.js';
import type { Product } from '../types.js';

// The products live in the private fields of one instance every router shares.
export class Catalog {
  #products = new Map<number, Product>();
  #nextId = 1;

  add(name: string, priceCents: number, category: Category = Category.Books): Product {
    const product: Product = { id: this.#nextId++, name, priceCents, category };
    this.#products.set(product.id, product);
    return product;
  }

  list(): Product[] {
    return [...this.#products.values()];
  }

  find(id: number): Product | undefined {
    return this.#products.get(id);
  }

  inCategory(category: Category): Product[] {
    return this.list().filter((product) => product.category === category);
  }
}

export const catalog = new Catalog();
catalog.add('The Pragmatic Programmer', 4200);
