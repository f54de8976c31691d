import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Product } from '../products/product.entity';
import { Review } from './review.entity';

@Injectable()
export class ReviewsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The product read and the review written in one transaction: a review never names a product deleted meanwhile. */
  add(productId: number, stars: number, text: string): Promise<Review> {
    return this.dataSource.transaction(async (manager) => {
      const product = await manager.findOneByOrFail(Product, { id: productId });
      const review = manager.create(Review, { stars, text, product });
      return manager.save(review);
    });
  }

  async averageFor(productId: number): Promise<number> {
    const reviews = await this.dataSource.getRepository(Review).find({ where: { product: { id: productId } } });
    if (reviews.length === 0) return 0;
    return reviews.reduce((sum, review) => sum + review.stars, 0) / reviews.length;
  }
}
