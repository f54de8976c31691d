import { Body, Controller, Get, Inject, Post } from '@nestjs/common';
import { RemindersService } from './reminders.service';

@Controller('reminders')
export class RemindersController {
  constructor(@Inject(RemindersService) private readonly reminders: RemindersService) {}

  @Post()
  create(@Body() body: { text: string; inMs?: number }) {
    return this.reminders.add(body.text, body.inMs);
  }

  @Get()
  findAll() {
    return { reminders: this.reminders.all() };
  }
}
