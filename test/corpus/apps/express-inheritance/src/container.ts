import { ProductRepository } from './repositories/product-repository';
import { UserRepository } from './repositories/user-repository';

/** One repository of each kind for the whole app. */
export const users = new UserRepository();
export const products = new ProductRepository();

products.create({ name: 'kettle', price: 24.5 });
products.create({ name: 'mug', price: 6.25 });
