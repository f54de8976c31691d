import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { Build, BuildEvent } from './build.interface';

/** The builds, and a stream of what happens to them that every open event stream subscribes to. */
@Injectable()
export class BuildsService {
  private readonly builds = new Map<number, Build>();
  private nextId = 1;
  readonly events$ = new Subject<BuildEvent>();

  start(project: string): Build {
    const build: Build = { id: this.nextId++, project, status: 'running', startedAt: Date.now() };
    this.builds.set(build.id, build);
    this.events$.next({ kind: 'started', build });
    return build;
  }

  finish(id: number, ok: boolean): Build | undefined {
    const build = this.builds.get(id);
    if (!build) return undefined;
    build.status = ok ? 'passed' : 'failed';
    this.events$.next({ kind: 'finished', build });
    return build;
  }

  list(): Build[] {
    return [...this.builds.values()];
  }
}
