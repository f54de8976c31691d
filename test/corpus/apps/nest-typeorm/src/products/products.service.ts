import { Injectable, NotFoundException, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CreateProductDto } from './create-product.dto';
import { Product } from './product.entity';

const SEED: CreateProductDto[] = [
  { name: 'kettle', price: 24.5, category: 'kitchen' },
  { name: 'lamp', price: 18, category: 'home' },
  { name: 'mug', price: 6.25, category: 'kitchen' },
];

@Injectable()
export class ProductsService implements OnModuleInit {
  constructor(@InjectRepository(Product) private readonly products: Repository<Product>) {}

  async onModuleInit(): Promise<void> {
    if ((await this.products.count()) === 0) await this.products.save(SEED.map((item) => this.products.create(item)));
  }

  findAll(category?: string): Promise<Product[]> {
    return this.products.find({ where: category ? { category } : {}, order: { id: 'ASC' } });
  }

  async findOne(id: number): Promise<Product> {
    const product = await this.products.findOne({ where: { id }, relations: { reviews: true } });
    if (!product) throw new NotFoundException(`no product ${id}`);
    return product;
  }

  create(input: CreateProductDto): Promise<Product> {
    return this.products.save(this.products.create(input));
  }

  async stats(): Promise<{ count: number; average: number }> {
    const row = await this.products
      .createQueryBuilder('product')
      .select('COUNT(*)', 'count')
      .addSelect('AVG(product.price)', 'average')
      .getRawOne<{ count: number; average: number }>();
    return { count: Number(row?.count ?? 0), average: Number(row?.average ?? 0) };
  }
}
