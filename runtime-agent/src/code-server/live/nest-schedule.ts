/**
 * NestJS's scheduled jobs in a load: a provider's methods decorated @Interval, @Cron and
 * @Timeout (@nestjs/schedule), which its ScheduleExplorer read once, as the app started, and
 * handed to timers, a cron job each, through its SchedulerOrchestrator. A load that adds such a
 * method, takes one out, or changes one's timing or name starts and stops those jobs on the
 * running app, as a restart would have them: the method decorators of the new version run on the
 * running class, the explorer reads the class's methods again as it did at startup, and each
 * job that differs from the one it made then (nest-schedule-startup.ts) is stopped, and the new
 * one mounted as the orchestrator mounts its jobs. A job whose decorator is unchanged goes on
 * (its method runs the new code). As Spring DevTools re-registers a bean's @Scheduled methods.
 */
import { errorMessage } from '../../error-message';
import {
  KINDS,
  scheduledInstances,
  specOf,
  type Explorer,
  type Job,
  type Kind,
  type Orchestrator,
  type Scheduled,
} from './nest-schedule-startup';

export { adaptNestModuleInitHook } from './nest-schedule-startup';

/** The metadata keys @nestjs/schedule's decorators set on a method. */
const JOB_KEYS = [
  'SCHEDULER_NAME',
  'SCHEDULER_TYPE',
  'SCHEDULE_CRON_OPTIONS',
  'SCHEDULE_INTERVAL_OPTIONS',
  'SCHEDULE_TIMEOUT_OPTIONS',
];
/** Those and TypeScript's: a method with others has decorators some other part of the app read. */
const KNOWN_KEYS = new Set([...JOB_KEYS, 'design:type', 'design:paramtypes', 'design:returntype']);

interface MetadataApi {
  getMetadataKeys?(target: object): unknown[];
  deleteMetadata?(key: unknown, target: object): boolean;
}
const metadata = Reflect as unknown as MetadataApi;

/**
 * Whether @nestjs/schedule read an instance of `klass` in a running app, and it had a job then
 * or since. A provider that never had one is left to a restart: its changed decorators are not
 * run again on it for nothing (one that wraps its method would wrap it twice).
 */
export function hasScheduledJobs(klass: unknown): klass is Function {
  return scheduledInstances(klass).some((entry) => entry.everScheduled);
}

/** Whether @nestjs/schedule read an instance of `klass` in a running app, jobs or none. */
export function readByScheduler(klass: unknown): klass is Function {
  return scheduledInstances(klass).length > 0;
}

/**
 * Takes the job decorators' metadata off the methods of a class @nestjs/schedule read, before
 * the new version's decorators run on it: a method a load left as it was keeps its function,
 * and with it the metadata of a decorator the load took out.
 */
export function forgetJobDecorators(klass: unknown): void {
  if (!readByScheduler(klass) || typeof metadata.deleteMetadata !== 'function') return;
  for (const method of methodsOf(klass)) for (const key of JOB_KEYS) metadata.deleteMetadata(key, method);
}

/** What scheduling a class's jobs again did, what failed, and whether its changed decorators were all its jobs'. */
export interface Rescheduled {
  started: string[];
  stopped: string[];
  failed: string[];
  onlyJobs: boolean;
}

/**
 * Runs `decorate` (the new version's method decorators, on the running class, after
 * forgetJobDecorators), then, for each of `klass`'s instances, stops every job that differs from
 * the one the explorer made, and starts the new ones: all stopped first, so that a name moved
 * from one method to another is free. A job that cannot start (its name another's) is said in
 * `failed`; the others go on.
 */
export function scheduleAgain(klass: Function, decorate: () => void): Rescheduled {
  decorate();
  const done: Rescheduled = { started: [], stopped: [], failed: [], onlyJobs: onlyJobDecorators(klass) };
  for (const entry of scheduledInstances(klass)) {
    const changes = changedJobs(entry, done);
    const orchestrator = entry.schedule.explorer.schedulerOrchestrator;
    for (const { key, had } of changes) {
      if (!had) continue;
      entry.jobs.delete(key);
      try {
        stop(orchestrator, had);
        done.stopped.push(describe(key, had));
      } catch (error) {
        done.failed.push(`${key}: stopping it threw ${errorMessage(error)}`);
      }
    }
    for (const { key, now } of changes) {
      if (!now) continue;
      try {
        start(entry, key, now, done);
      } catch (error) {
        done.failed.push(`${key}: ${errorMessage(error)}`);
      }
    }
  }
  return done;
}

/** The methods of an instance whose job the explorer would make otherwise now, with the one it made. */
function changedJobs(
  { schedule, instance, jobs }: Scheduled,
  done: Rescheduled,
): Array<{ key: string; had?: Job; now?: Job & { named: boolean } }> {
  const changes: Array<{ key: string; had?: Job; now?: Job & { named: boolean } }> = [];
  for (const key of new Set([...methodNames(schedule.explorer, instance), ...jobs.keys()])) {
    let now: (Job & { named: boolean }) | undefined;
    try {
      now = jobFor(schedule.explorer, instance, key);
    } catch (error) {
      done.failed.push(`${key}: reading its decorators threw ${errorMessage(error)}`);
      continue;
    }
    const had = jobs.get(key);
    if (had && now && sameJob(had, now)) continue;
    if (had || now) changes.push({ key, had, now });
  }
  return changes;
}

/** Adds the job the explorer makes for `key` to the orchestrator, and mounts it if the app's jobs are. */
function start(
  { schedule, instance, jobs }: Scheduled,
  key: string,
  now: Job & { named: boolean },
  done: Rescheduled,
): void {
  const registry = schedule.explorer.schedulerOrchestrator.schedulerRegistry;
  // The orchestrator would start its timer before the registry refused the name: one nothing could stop.
  if (schedule.mounted && now.named && registry.doesExist(now.kind, now.name)) {
    throw new Error(`the scheduler's registry has a ${now.kind} named '${now.name}' already`);
  }
  schedule.explorer.lookupSchedulers(instance, key);
  const made = jobs.get(key);
  if (!made) return;
  if (schedule.mounted) mount(schedule.explorer.schedulerOrchestrator, made);
  done.started.push(describe(key, made));
}

/**
 * The methods the explorer reads of an instance (its prototype chain's, as at startup). Nest's
 * scanner keeps each prototype's names once read: those of startup are forgotten first.
 */
function methodNames(explorer: Explorer, instance: object): string[] {
  const prototype = Object.getPrototypeOf(instance) as object;
  const scanner = explorer.metadataScanner;
  if (scanner.cachedScannedPrototypes instanceof Map) scanner.cachedScannedPrototypes.delete(prototype);
  return scanner.getAllMethodNames?.(prototype) ?? Object.getOwnPropertyNames(prototype);
}

/**
 * The job the explorer would make for `key` now: its lookup run against an orchestrator that
 * only takes note (so the real one is untouched). A name not given is none yet: the orchestrator
 * makes one as it adds the job (a cron job's empty name too, as `options.name || randomUUID()`).
 */
function jobFor(explorer: Explorer, instance: object, key: string): (Job & { named: boolean }) | undefined {
  // A method the load took out: no job (the explorer would read the metadata of `undefined`).
  if (typeof (instance as Record<string, unknown>)[key] !== 'function') return undefined;
  let job: (Job & { named: boolean }) | undefined;
  const note = (kind: Kind, name: unknown, named: boolean, spec: string): void => {
    job = { kind, name: named ? String(name) : '', named, spec };
  };
  const noting = {
    addCron: (_target: unknown, options: { name?: unknown } | undefined) =>
      note('cron', options?.name, Boolean(options?.name), specOf('cron', 0, options)),
    addInterval: (_target: unknown, timeout: unknown, name: unknown) =>
      note('interval', name, typeof name === 'string', specOf('interval', timeout, undefined)),
    addTimeout: (_target: unknown, timeout: unknown, name: unknown) =>
      note('timeout', name, typeof name === 'string', specOf('timeout', timeout, undefined)),
  };
  const lookup = (Object.getPrototypeOf(explorer) as Explorer).lookupSchedulers;
  Reflect.apply(lookup, Object.create(explorer, { schedulerOrchestrator: { value: noting } }), [instance, key]);
  return job;
}

function sameJob(had: Job, now: Job & { named: boolean }): boolean {
  return had.kind === now.kind && had.spec === now.spec && (!now.named || now.name === had.name);
}

/**
 * Stops a job and takes it out of the orchestrator's table, and out of the registry when the
 * registry's job of that name is this one (the app may have put another there since).
 */
function stop(orchestrator: Orchestrator, job: Job): void {
  const { table, get, remove } = KINDS[job.kind];
  const entries = orchestrator[table] as Record<string, { ref?: unknown; initialDelayRef?: unknown } | undefined>;
  const entry = entries[job.name];
  delete entries[job.name];
  if (entry?.initialDelayRef !== undefined) clearTimeout(entry.initialDelayRef as ReturnType<typeof setTimeout>);
  const ref = entry?.ref;
  if (ref === undefined) return; // not mounted yet
  const registry = orchestrator.schedulerRegistry;
  const registered = registry.doesExist(job.kind, job.name)
    ? (registry[get] as (name: string) => unknown).call(registry, job.name)
    : undefined;
  if (registered === ref) (registry[remove] as (name: string) => void).call(registry, job.name);
  else if (job.kind === 'cron') (ref as { stop?: () => unknown }).stop?.();
  else clearTimeout(ref as ReturnType<typeof setTimeout>);
}

/** Mounts one job as the orchestrator mounts all of them when the app has bootstrapped. */
function mount(orchestrator: Orchestrator, job: Job): void {
  const { table, mount: mountAll } = KINDS[job.kind];
  const all = orchestrator[table];
  orchestrator[table] = { [job.name]: all[job.name] };
  try {
    (orchestrator as unknown as Record<string, () => void>)[mountAll]!.call(orchestrator);
  } finally {
    orchestrator[table] = all;
  }
}

/** Whether every metadata key on the class's methods is a job's or TypeScript's: no other decorator there to read. */
function onlyJobDecorators(klass: Function): boolean {
  const keysOf = metadata.getMetadataKeys;
  if (typeof keysOf !== 'function') return false;
  return methodsOf(klass).every((method) => keysOf(method).every((key) => KNOWN_KEYS.has(String(key))));
}

/** The class's own methods (its constructor, the class itself, is not one). */
function methodsOf(klass: Function): Function[] {
  const prototype = klass.prototype as object;
  return Object.getOwnPropertyNames(prototype).flatMap((name) => {
    const method: unknown =
      name === 'constructor' ? undefined : Object.getOwnPropertyDescriptor(prototype, name)?.value;
    return typeof method === 'function' ? [method] : [];
  });
}

/** A job as the report names it: its method, kind, name and timing. */
function describe(key: string, job: Job): string {
  if (job.kind === 'cron') {
    const { cronTime } = (JSON.parse(job.spec) ?? {}) as { cronTime?: unknown };
    return `${key} (cron job '${job.name}' at ${String(cronTime)})`;
  }
  return `${key} (${job.kind} '${job.name}' ${job.kind === 'interval' ? 'every' : 'once, after'} ${job.spec} ms)`;
}
