import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthController } from './health.controller';
import { Product } from './products/product.entity';
import { ProductsModule } from './products/products.module';
import { Review } from './reviews/review.entity';
import { ReviewsModule } from './reviews/reviews.module';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'sqljs',
      entities: [Product, Review],
      synchronize: true,
    }),
    ProductsModule,
    ReviewsModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
