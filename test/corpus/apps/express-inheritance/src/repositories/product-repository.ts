import { ValidationError } from '../errors';
import { BaseRepository, type Entity } from './base-repository';

export interface Product extends Entity {
  name: string;
  price: number;
}

export class ProductRepository extends BaseRepository<Product> {
  protected readonly kind = 'product';

  cheaperThan(limit: number): Product[] {
    return this.findAll().filter((product) => product.price < limit);
  }

  override describe(): string {
    return `${super.describe()} (priced)`;
  }

  protected override validate(product: Product): void {
    if (!(product.price > 0)) throw new ValidationError('price must be positive');
  }
}
