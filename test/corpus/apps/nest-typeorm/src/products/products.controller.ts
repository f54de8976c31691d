import { Body, Controller, Get, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { CreateProductDto } from './create-product.dto';
import { ProductsService } from './products.service';

@Controller('products')
export class ProductsController {
  constructor(private readonly productsService: ProductsService) {}

  @Get()
  async list(@Query('category') category?: string) {
    const products = await this.productsService.findAll(category);
    return { products: products.map((product) => ({ id: product.id, name: product.name, price: product.price })) };
  }

  @Get('stats')
  stats() {
    return this.productsService.stats();
  }

  @Get(':id')
  async one(@Param('id', ParseIntPipe) id: number) {
    const product = await this.productsService.findOne(id);
    return { ...product, label: product.label() };
  }

  @Post()
  create(@Body() input: CreateProductDto) {
    return this.productsService.create(input);
  }
}
