import { Controller, Get, HttpCode } from '@nestjs/common';
import { Public } from './auth/public.decorator';

@Controller('health')
export class HealthController {
  @Public()
  @Get()
  @HttpCode(204)
  check() {}
}
