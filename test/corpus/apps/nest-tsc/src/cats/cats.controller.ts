import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { CatsService } from './cats.service';

@Controller('cats')
export class CatsController {
  constructor(private readonly catsService: CatsService) {}

  @Get()
  findAll() {
    return { cats: this.catsService.findAll().map((cat) => cat.name) };
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: { name?: string; age?: number }) {
    return this.catsService.create({ name: String(body.name ?? 'nameless'), age: Number(body.age ?? 0) });
  }

  @Get(':name')
  findOne(@Param('name') name: string) {
    const cat = this.catsService.findByName(name);
    if (!cat) throw new NotFoundException(`no cat named ${name}`);
    return cat;
  }
}
