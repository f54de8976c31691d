import {
  Body,
  Controller,
  Get,
  Inject,
  MessageEvent,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Sse,
} from '@nestjs/common';
import { Observable, interval, map } from 'rxjs';
import { BuildsService } from './builds.service';

@Controller('builds')
export class BuildsController {
  // Named for tsx, which records no constructor types for Nest to read.
  constructor(@Inject(BuildsService) private readonly builds: BuildsService) {}

  @Get()
  list() {
    return { builds: this.builds.list() };
  }

  @Post()
  start(@Body() body: { project?: string }) {
    return this.builds.start(String(body.project ?? 'app'));
  }

  @Post(':id/finish')
  finish(@Param('id', ParseIntPipe) id: number, @Body() body: { ok?: boolean }) {
    const build = this.builds.finish(id, body.ok !== false);
    if (!build) throw new NotFoundException(`no build ${id}`);
    return build;
  }

  /** Every build started or finished, to each subscriber: a pipe of its own, made as it subscribed. */
  @Sse('events')
  events(): Observable<MessageEvent> {
    return this.builds.events$.pipe(
      map((event) => ({
        type: event.kind,
        data: { id: event.build.id, project: event.build.project, status: event.build.status },
      })),
    );
  }

  /** A tick every 200 ms with how many builds run: what a dashboard's header shows. */
  @Sse('ticks')
  ticks(): Observable<MessageEvent> {
    return interval(200).pipe(
      map((n) => ({
        type: 'tick',
        data: { n, running: this.builds.list().filter((build) => build.status === 'running').length },
      })),
    );
  }
}
