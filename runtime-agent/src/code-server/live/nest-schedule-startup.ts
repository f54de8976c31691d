/**
 * What @nestjs/schedule made of each provider's methods as the app started (nest-schedule.ts
 * makes it again after a load). Its ScheduleExplorer is found among the providers of the module
 * Nest initialises (`callModuleInitHook`, adapted as @nestjs/core loads: @nestjs/schedule is an
 * ES module, which a CommonJS app's loader hooks may not see), and its `lookupSchedulers` is
 * followed: the job each lookup adds to the orchestrator's tables is recorded by instance and
 * method. Its orchestrator's bootstrap (the jobs mounted) and shutdown (the app closed: nothing
 * of it is started again) are followed too. The recording never throws into the app's start.
 * Internals read as they are from @nestjs/schedule 4 to 12; another shape is not followed, and a
 * restart applies a change, as before.
 */

export type Kind = 'cron' | 'interval' | 'timeout';

/** One job the explorer made for a method: its name in the orchestrator's table, and its timing. */
export interface Job {
  kind: Kind;
  name: string;
  /** Its timing as registered (a timeout in ms, or a cron job's options), to tell a changed one. */
  spec: string;
}

export interface Orchestrator {
  cronJobs: Record<string, unknown>;
  intervals: Record<string, unknown>;
  timeouts: Record<string, unknown>;
  schedulerRegistry: Record<string, unknown> & { doesExist(kind: Kind, name: string): boolean };
  onApplicationBootstrap?: unknown;
  beforeApplicationShutdown?: unknown;
}

export interface Explorer {
  lookupSchedulers(instance: object, key: string): unknown;
  schedulerOrchestrator: Orchestrator;
  metadataScanner: { getAllMethodNames?(prototype: object): string[]; cachedScannedPrototypes?: unknown };
}

/** Each kind's table in the orchestrator, how it mounts them, and the registry's methods for one. */
export const KINDS = {
  cron: { table: 'cronJobs', mount: 'mountCron', get: 'getCronJob', remove: 'deleteCronJob' },
  interval: { table: 'intervals', mount: 'mountIntervals', get: 'getInterval', remove: 'deleteInterval' },
  timeout: { table: 'timeouts', mount: 'mountTimeouts', get: 'getTimeout', remove: 'deleteTimeout' },
} as const;

/** An app's explorer, and where its orchestrator is in the app's life. */
export interface Schedule {
  explorer: Explorer;
  /** Its jobs were mounted (the app bootstrapped): a job added now is mounted at once. */
  mounted: boolean;
  /** The classes whose instances it read: forgotten when the app closes. */
  classes: Set<Function>;
}

/** An instance the explorer read, and the jobs it made for its methods, by method. */
export interface Scheduled {
  schedule: Schedule;
  instance: object;
  jobs: Map<string, Job>;
  /** Whether it had a job at startup, or since: a class that never had one is left to a restart. */
  everScheduled: boolean;
}

/** By class: the instances of the apps that run, read by their explorer. */
const scheduled = new WeakMap<Function, Scheduled[]>();
const followed = new WeakSet<object>();

/** Adapts @nestjs/core/hooks/on-module-init.hook.js, given its exports. */
export function adaptNestModuleInitHook(exports: unknown): void {
  const hooks = exports as { callModuleInitHook?: unknown };
  const original = hooks.callModuleInitHook;
  if (typeof original !== 'function') return;
  hooks.callModuleInitHook = function (this: unknown, ...args: unknown[]) {
    try {
      for (const explorer of explorersIn(args[0])) follow(explorer);
    } catch {
      // not followed: a restart applies a change of its jobs, as before
    }
    return Reflect.apply(original, this, args);
  };
}

/** The instances of `klass` an explorer of a running app read. */
export function scheduledInstances(klass: unknown): Scheduled[] {
  return typeof klass === 'function' ? (scheduled.get(klass) ?? []) : [];
}

export function specOf(kind: Kind, timeout: unknown, options: unknown): string {
  return kind === 'cron' ? JSON.stringify(options) : String(timeout);
}

/** The ScheduleExplorer among a Nest module's providers: the one whose shape is the explorer's. */
function explorersIn(module: unknown): Explorer[] {
  const providers = (module as { providers?: unknown } | null)?.providers;
  if (!(providers instanceof Map)) return [];
  const found: Explorer[] = [];
  for (const wrapper of providers.values()) {
    const instance = (wrapper as { instance?: unknown } | null)?.instance;
    if (isExplorer(instance)) found.push(instance);
  }
  return found;
}

function isExplorer(value: unknown): value is Explorer {
  const candidate = value as Partial<Explorer> | null;
  const orchestrator = candidate?.schedulerOrchestrator;
  return (
    typeof candidate?.lookupSchedulers === 'function' &&
    (Object.keys(KINDS) as Kind[]).every((kind) => typeof orchestrator?.[KINDS[kind].table] === 'object') &&
    typeof orchestrator?.schedulerRegistry?.doesExist === 'function'
  );
}

/** Records what the explorer's lookups make, by instance and method, and its orchestrator's life. */
function follow(explorer: Explorer): void {
  if (followed.has(explorer)) return;
  followed.add(explorer);
  const schedule: Schedule = { explorer, mounted: false, classes: new Set() };
  const lookup = explorer.lookupSchedulers;
  explorer.lookupSchedulers = function (this: Explorer, instance: object, key: string): unknown {
    let before: Set<string> | undefined;
    try {
      before = jobNames(this.schedulerOrchestrator);
    } catch {
      // not recorded
    }
    // What the lookup throws (a job's name twice) is the app's, as without the agent.
    const result = Reflect.apply(lookup, this, [instance, key]);
    try {
      if (before) record(schedule, instance, key, jobAdded(this.schedulerOrchestrator, before));
    } catch {
      // not recorded: a restart applies a change of this job
    }
    return result;
  };
  const orchestrator = explorer.schedulerOrchestrator;
  after(orchestrator, 'onApplicationBootstrap', () => {
    schedule.mounted = true;
  });
  after(orchestrator, 'beforeApplicationShutdown', () => {
    for (const klass of schedule.classes) {
      const open = scheduledInstances(klass).filter((entry) => entry.schedule !== schedule);
      if (open.length > 0) scheduled.set(klass, open);
      else scheduled.delete(klass);
    }
    schedule.classes.clear();
  });
}

/** Runs `then` after the object's method `name` (a lifecycle hook Nest calls on it) ran. */
function after(target: object, name: 'onApplicationBootstrap' | 'beforeApplicationShutdown', then: () => void): void {
  const method = (target as Record<string, unknown>)[name];
  if (typeof method !== 'function') return;
  Object.defineProperty(target, name, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...args: unknown[]) {
      const result: unknown = Reflect.apply(method, this, args);
      then();
      return result;
    },
  });
}

function record(schedule: Schedule, instance: object, key: string, job: Job | undefined): void {
  const klass = (instance as { constructor?: unknown }).constructor;
  if (typeof klass !== 'function') return;
  const entries = scheduled.get(klass) ?? [];
  scheduled.set(klass, entries);
  schedule.classes.add(klass);
  let entry = entries.find((e) => e.instance === instance);
  // Every instance it reads, with jobs or none: a load may give it its first.
  if (!entry) entries.push((entry = { schedule, instance, jobs: new Map(), everScheduled: false }));
  if (job) {
    entry.jobs.set(key, job);
    entry.everScheduled = true;
  }
}

function jobNames(orchestrator: Orchestrator): Set<string> {
  const names = new Set<string>();
  for (const kind of Object.keys(KINDS) as Kind[]) {
    for (const name of Object.keys(orchestrator[KINDS[kind].table])) names.add(`${kind}:${name}`);
  }
  return names;
}

function jobAdded(orchestrator: Orchestrator, before: Set<string>): Job | undefined {
  for (const kind of Object.keys(KINDS) as Kind[]) {
    const table = orchestrator[KINDS[kind].table] as Record<string, { timeout?: unknown; options?: unknown }>;
    for (const [name, entry] of Object.entries(table)) {
      if (!before.has(`${kind}:${name}`)) return { kind, name, spec: specOf(kind, entry.timeout, entry.options) };
    }
  }
  return undefined;
}
