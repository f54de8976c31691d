import type { CorpusApp } from '../lib/types';

const listRoute = "  @Get(':id')\n  async one(";
const brokenRoute = "  @Get('stats')\n  stats() {\n";

/**
 * NestJS's database recipe: TypeORM entities (a product and its reviews, one-to-many), their
 * repositories injected into services (`@InjectRepository`, `@InjectDataSource`), a query
 * builder, a transaction, class-validator DTOs under a global ValidationPipe; the database is
 * SQLite in memory (sql.js), its tables made from the entities at startup (`synchronize`).
 * The app's data lives in the database, not in the module's variables.
 */
export const nestTypeorm: CorpusApp = {
  dir: 'nest-typeorm',
  entries: [{ name: 'nest-typeorm', kind: 'tsc', main: ['dist/main.js'] }],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/products', body: { name: 'kept-{n}', price: 99, category: 'kept' } }],
    probes: [{ path: '/products?category=kept', includes: ['"kept-{n}"'] }],
  },
  edits: [
    {
      name: 'service: the list in price order (a repository query)',
      file: 'src/products/products.service.ts',
      replace: [["order: { id: 'ASC' }", "order: { price: 'ASC' }"]],
      live: [{ path: '/products', includes: ['"products":[{"id":3,"name":"mug"'] }],
    },
    {
      name: 'query builder: the stats gain the cheapest price',
      file: 'src/products/products.service.ts',
      replace: [
        [
          ".addSelect('AVG(product.price)', 'average')",
          ".addSelect('AVG(product.price)', 'average')\n      .addSelect('MIN(product.price)', 'cheapest')",
        ],
        [
          'getRawOne<{ count: number; average: number }>();',
          'getRawOne<{ count: number; average: number; cheapest: number }>();',
        ],
        [
          'return { count: Number(row?.count ?? 0), average: Number(row?.average ?? 0) };',
          'return { count: Number(row?.count ?? 0), average: Number(row?.average ?? 0), cheapest: Number(row?.cheapest ?? 0) };',
        ],
        [
          'Promise<{ count: number; average: number }>',
          'Promise<{ count: number; average: number; cheapest: number }>',
        ],
      ],
      live: [{ path: '/products/stats', includes: ['"cheapest":6.25'] }],
    },
    {
      name: "entity method: the label's format (on rows TypeORM made from the class)",
      file: 'src/products/product.entity.ts',
      replace: [
        ['return `${this.name} (${this.price.toFixed(2)})`;', 'return `${this.name}: ${this.price.toFixed(2)} EUR`;'],
      ],
      live: [{ path: '/products/1', includes: ['"label":"kettle: 24.50 EUR"'] }],
    },
    {
      name: 'a new route and the service method it calls',
      file: 'src/products/products.service.ts',
      replace: [
        [
          '  create(input: CreateProductDto)',
          "  cheapest(limit: number): Promise<Product[]> {\n    return this.products.find({ order: { price: 'ASC' }, take: limit });\n  }\n\n  create(input: CreateProductDto)",
        ],
      ],
      also: [
        {
          file: 'src/products/products.controller.ts',
          replace: [
            [
              listRoute,
              "  @Get('cheapest')\n  async cheapest() {\n    const products = await this.productsService.cheapest(2);\n    return { cheapest: products.map((product) => product.name) };\n  }\n\n" +
                listRoute,
            ],
          ],
        },
      ],
      live: [{ path: '/products/cheapest', includes: ['"cheapest":["mug","lamp"]'] }],
    },
    {
      name: 'DTO: a new rule (@Max on the price)',
      file: 'src/products/create-product.dto.ts',
      replace: [
        [
          "import { IsNumber, IsOptional, IsString, Length, Min } from 'class-validator';",
          "import { IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';",
        ],
        ['  @Min(0)\n  price: number;', '  @Min(0)\n  @Max(1000)\n  price: number;'],
      ],
      live: [
        {
          method: 'POST',
          path: '/products',
          body: { name: 'too-dear', price: 5000 },
          status: 400,
          includes: ['price must not be greater than 1000'],
        },
      ],
    },
    {
      name: "a DTO declared in its controller's file: a wider range",
      file: 'src/reviews/reviews.controller.ts',
      replace: [['  @Max(5)\n  stars: number;', '  @Max(10)\n  stars: number;']],
      live: [{ method: 'POST', path: '/products/3/reviews', body: { stars: 8, text: 'out of ten' }, status: 201 }],
    },
    {
      name: 'transaction: a review of a missing product is a 404, not a 500',
      file: 'src/reviews/reviews.service.ts',
      replace: [
        [
          "import { Injectable } from '@nestjs/common';",
          "import { Injectable, NotFoundException } from '@nestjs/common';",
        ],
        [
          'const product = await manager.findOneByOrFail(Product, { id: productId });',
          'const product = await manager.findOneBy(Product, { id: productId });\n      if (!product) throw new NotFoundException(`no product ${productId}`);',
        ],
      ],
      live: [
        {
          method: 'POST',
          path: '/products/9999/reviews',
          body: { stars: 3, text: 'lost' },
          status: 404,
          includes: ['no product 9999'],
        },
      ],
    },
    {
      name: 'service: the average rounded to one decimal',
      file: 'src/reviews/reviews.service.ts',
      replace: [
        [
          'return reviews.reduce((sum, review) => sum + review.stars, 0) / reviews.length;',
          'return Math.round((reviews.reduce((sum, review) => sum + review.stars, 0) / reviews.length) * 10) / 10;',
        ],
      ],
      live: [
        { method: 'POST', path: '/products/2/reviews', body: { stars: 4, text: 'fine' }, status: 201 },
        { method: 'POST', path: '/products/2/reviews', body: { stars: 5, text: 'great' }, status: 201 },
        { method: 'POST', path: '/products/2/reviews', body: { stars: 5, text: 'great' }, status: 201 },
        { path: '/products/2/reviews/average', includes: ['"average":4.7}'] },
      ],
    },
    {
      name: 'entity: a new column (its table was made at startup)',
      file: 'src/products/product.entity.ts',
      replace: [
        [
          "  @Column({ default: 'general' })",
          "  @Column('int', { default: 0 })\n  stock: number;\n\n  @Column({ default: 'general' })",
        ],
      ],
      live: [{ path: '/products/1', includes: ['"stock":0'] }],
    },
    {
      name: 'syntax error (controller)',
      file: 'src/products/products.controller.ts',
      syntaxError: true,
      replace: [[brokenRoute, "  @Get('stats')\n  stats( {\n"]],
      unchanged: ['/products/stats'],
    },
    {
      name: 'syntax error fixed, the stats say when they were taken',
      file: 'src/products/products.controller.ts',
      replace: [
        [
          "  @Get('stats')\n  stats( {\n    return this.productsService.stats();",
          "  @Get('stats')\n  async stats() {\n    return { ...(await this.productsService.stats()), at: new Date().toISOString() };",
        ],
      ],
      live: [{ path: '/products/stats', includes: ['"at":"20'] }],
    },
  ],
};
