/**
 * What NestJS read of a class's method decorators at startup, made again after a load changed
 * them (route-rebuild.ts runs these after the commit): a controller's routes, mapped again
 * (live/nest-routes.ts), and a provider's scheduled jobs, started and stopped where they differ
 * (live/nest-schedule.ts). The new decorators run on the running class once, for the first of
 * these; the controller's mapping runs them after taking out what Nest read of the old ones.
 */
import type { Redecoration } from './live/live-module';
import { isMappedController, mapControllerAgain } from './live/nest-routes';
import { forgetJobDecorators, hasScheduledJobs, readByScheduler, scheduleAgain } from './live/nest-schedule';
import type { HotModule } from './module-version';
import type { RouteRebuild } from './route-rebuild';

/** What to make again for each class whose method decorators the commit of `module` changed. */
export function nestRebuilds(module: HotModule): RouteRebuild[] {
  const rebuilds: RouteRebuild[] = [];
  for (const redecoration of module.current.live?.scope.redecorations ?? []) {
    const running = runningClass(redecoration);
    const decorate = once(() => {
      forgetJobDecorators(running);
      redecoration.decorate();
    });
    for (const again of [
      controllerAgain(module, redecoration, running, decorate),
      jobsAgain(module, redecoration, running, decorate),
    ]) {
      if (again) rebuilds.push(again);
    }
  }
  return rebuilds;
}

/** Maps a NestJS controller again; the report's line of it. Throws what mapping threw. */
export function mappedAgain(controller: NonNullable<RouteRebuild['controller']>): string {
  const { before, after } = mapControllerAgain(controller.klass, controller.decorate);
  const routes = (n: number): string => `${n} route${n === 1 ? '' : 's'}`;
  return `the NestJS mapping of ${controller.label}'s routes: ${routes(after)} in place of ${before}`;
}

/**
 * Starts and stops a provider's scheduled jobs where its decorators changed them: the report's
 * line of what changed (none if nothing did), the jobs that could not, and whether its methods'
 * decorators are all jobs' (with others, read at startup by something else, a restart still
 * applies what they changed). Throws what its decorators threw.
 */
export function scheduledAgain(jobs: NonNullable<RouteRebuild['jobs']>): {
  ran?: string;
  failed: string[];
  onlyJobs: boolean;
} {
  const { started, stopped, failed, onlyJobs } = scheduleAgain(jobs.klass, jobs.decorate);
  const done = [
    ...(stopped.length > 0 ? [`stopped ${stopped.join(', ')}`] : []),
    ...(started.length > 0 ? [`started ${started.join(', ')}`] : []),
  ];
  const ran = done.length > 0 ? `the scheduled jobs of ${jobs.label}: ${done.join('; ')}` : undefined;
  return { ran, failed, onlyJobs };
}

/** The class the app runs, of a redecoration; undefined if its binding is not initialised (not a class the app runs). */
function runningClass({ klass }: Redecoration): unknown {
  try {
    return klass();
  } catch {
    return undefined;
  }
}

/** A class whose method decorators changed, to map again where NestJS mapped it as a controller. */
function controllerAgain(
  module: HotModule,
  redecoration: Redecoration,
  running: unknown,
  decorate: () => void,
): RouteRebuild | undefined {
  if (!isMappedController(running)) return undefined;
  const controller = { klass: running, decorate, label: redecoration.className };
  return { ...decoratorsAgain(module, redecoration, 'mapped its routes', 'mapping them'), controller };
}

/** A class whose method decorators changed, whose jobs to schedule again where @nestjs/schedule read its instance. */
function jobsAgain(
  module: HotModule,
  redecoration: Redecoration,
  running: unknown,
  decorate: () => void,
): RouteRebuild | undefined {
  // A controller's decorators run again for its mapping anyway; a provider's only where it has jobs.
  const scheduled = hasScheduledJobs(running) || (isMappedController(running) && readByScheduler(running));
  if (!scheduled || typeof running !== 'function') return undefined;
  const jobs = { klass: running, decorate, label: redecoration.className };
  return { ...decoratorsAgain(module, redecoration, 'scheduled its jobs', 'scheduling them'), jobs };
}

/** The rebuild of a class's changed decorators: `where` `did` at startup, and doing it again (`redoing`) may fail. */
function decoratorsAgain(
  module: HotModule,
  { className, notes }: Redecoration,
  did: string,
  redoing: string,
): RouteRebuild {
  return {
    trigger: module.file,
    cause: {
      again: `the decorators of ${className}`,
      failed: (where, why) =>
        `${className}: ${where} ${did} at startup, and ${redoing} again failed (${why}); restart to apply its decorators`,
      resolves: notes,
    },
    owners: new Map(),
  };
}

/** `run` once; what it threw, thrown again to each later caller, who must not go on as if it ran. */
function once(run: () => void): () => void {
  let ran = false;
  let failed: { error: unknown } | undefined;
  return () => {
    if (failed) throw failed.error;
    if (ran) return;
    ran = true;
    try {
      run();
    } catch (error) {
      failed = { error };
      throw error;
    }
  };
}
