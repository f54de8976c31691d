import { Body, Controller, Delete, Get, Inject, Param, ParseIntPipe, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionUser } from '../auth/auth.service';
import { Roles } from '../auth/roles.decorator';
import { NotesService } from './notes.service';

type SignedIn = Request & { user: SessionUser };

@Controller('notes')
export class NotesController {
  constructor(@Inject(NotesService) private readonly notesService: NotesService) {}

  @Get()
  mine(@Req() req: SignedIn) {
    return { notes: this.notesService.byAuthor(req.user.username).map((note) => note.text) };
  }

  @Post()
  add(@Req() req: SignedIn, @Body() body: { text: string }) {
    return this.notesService.add(req.user.username, String(body?.text ?? ''));
  }

  @Roles('admin')
  @Get('all')
  all() {
    return { all: this.notesService.all().map((note) => `${note.author}: ${note.text}`) };
  }

  @Get(':id')
  one(@Param('id', ParseIntPipe) id: number) {
    return this.notesService.get(id);
  }

  @Roles('admin')
  @Delete(':id')
  remove(@Param('id', ParseIntPipe) id: number) {
    return this.notesService.remove(id);
  }
}
