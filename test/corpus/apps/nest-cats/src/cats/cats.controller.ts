import { Body, Controller, Get, Inject, NotFoundException, Param, Post, ValidationPipe } from '@nestjs/common';
import { CatsService } from './cats.service';
import { AdoptCatDto } from './dto/adopt-cat.dto';
import { CreateCatDto } from './dto/create-cat.dto';

/** The names of the cats looked at lately, newest last. */
const recentlyViewed: string[] = [];

@Controller('cats')
export class CatsController {
  constructor(@Inject(CatsService) private readonly catsService: CatsService) {}

  @Get()
  findAll() {
    return { cats: this.catsService.findAll().map((cat) => cat.name) };
  }

  @Get('stats')
  stats() {
    return this.catsService.stats();
  }

  @Get('recent')
  recent() {
    return { recent: recentlyViewed.slice(-20) };
  }

  @Get(':name')
  findOne(@Param('name') name: string) {
    const cat = this.catsService.findByName(name);
    if (!cat) throw new NotFoundException(`no cat named ${name}`);
    recentlyViewed.push(cat.name);
    return { ...cat, owner: this.catsService.ownerOf(cat.name) ?? null };
  }

  @Post()
  create(@Body(new ValidationPipe({ expectedType: CreateCatDto, transform: true })) dto: CreateCatDto) {
    return this.catsService.create(dto);
  }

  @Post(':name/adopt')
  adopt(
    @Param('name') name: string,
    @Body(new ValidationPipe({ expectedType: AdoptCatDto, transform: true })) dto: AdoptCatDto,
  ) {
    return this.catsService.adopt(name, dto.owner);
  }
}
