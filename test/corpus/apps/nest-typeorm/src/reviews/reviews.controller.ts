import { Body, Controller, Get, Param, ParseIntPipe, Post } from '@nestjs/common';
import { IsInt, IsString, Max, Min } from 'class-validator';
import { ReviewsService } from './reviews.service';

class CreateReviewDto {
  @IsInt()
  @Min(1)
  @Max(5)
  stars: number;

  @IsString()
  text: string;
}

@Controller('products/:productId/reviews')
export class ReviewsController {
  constructor(private readonly reviewsService: ReviewsService) {}

  @Post()
  async add(@Param('productId', ParseIntPipe) productId: number, @Body() input: CreateReviewDto) {
    const review = await this.reviewsService.add(productId, input.stars, input.text);
    return { id: review.id, stars: review.stars };
  }

  @Get('average')
  async average(@Param('productId', ParseIntPipe) productId: number) {
    return { average: await this.reviewsService.averageFor(productId) };
  }
}
