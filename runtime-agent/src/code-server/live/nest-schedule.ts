/**
 * NestJS's scheduled jobs in a load: a provider's methods decorated @Interval, @Cron and
 * @Timeout (@nestjs/schedule), which its ScheduleExplorer read once, as the app started, and
 * handed to timers, a cron job each, through its SchedulerOrchestrator. A load that adds such a
 * method, takes one out, or changes one's timing or name starts and stops those jobs on the
 * running app, as a restart would have them: the method decorators of the new version run on the
 * running class, the explorer reads the class's methods again as it did at startup, and each
 * job that differs from the one it made then is stopped, and the new one mounted as the
 * orchestrator mounts its jobs. A job whose decorator is unchanged goes on (its method runs the
 * new code). As Spring DevTools and JRebel re-register a bean's @Scheduled methods.
 *
 * What the explorer made at startup is recorded as it made it: the explorer is found among the
 * providers of the module Nest initialises (`callModuleInitHook`, adapted as @nestjs/core
 * loads; @nestjs/schedule is an ES module, which a CommonJS app's loader hooks may not see), and
 * its `lookupSchedulers` is followed. Its internals are read as they are from @nestjs/schedule
 * 4 to 12; another shape is not recorded, and a restart applies the change, as before.
 */

type Kind = 'cron' | 'interval' | 'timeout';

/** One job the explorer made for a method: its orchestrator entry's name, and what it runs on. */
interface Job {
  kind: Kind;
  name: string;
  /** Its timing as registered (a timeout in ms, or a cron job's options), to tell a changed one. */
  spec: string;
}

interface Orchestrator {
  cronJobs: Record<string, { initialDelayRef?: ReturnType<typeof setTimeout> }>;
  intervals: Record<string, unknown>;
  timeouts: Record<string, unknown>;
  schedulerRegistry: Record<string, unknown> & { doesExist(kind: Kind, name: string): boolean };
}

interface Explorer {
  lookupSchedulers(instance: object, key: string): unknown;
  schedulerOrchestrator: Orchestrator;
  metadataScanner: { getAllMethodNames?(prototype: object): string[]; cachedScannedPrototypes?: unknown };
}

/** Each kind's table in the orchestrator, how the orchestrator mounts it, how the registry deletes one. */
const KINDS = {
  cron: { table: 'cronJobs', mount: 'mountCron', remove: 'deleteCronJob' },
  interval: { table: 'intervals', mount: 'mountIntervals', remove: 'deleteInterval' },
  timeout: { table: 'timeouts', mount: 'mountTimeouts', remove: 'deleteTimeout' },
} as const;

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

/** A provider's instance the explorer read at startup, and the jobs it made for its methods, by method. */
interface Scheduled {
  explorer: Explorer;
  instance: object;
  jobs: Map<string, Job>;
}

/** By the provider's class. */
const scheduled = new WeakMap<Function, Scheduled[]>();
const followed = new WeakSet<object>();

/** Adapts @nestjs/core/hooks/on-module-init.hook.js, given its exports. */
export function adaptNestModuleInitHook(exports: unknown): void {
  const hooks = exports as { callModuleInitHook?: unknown };
  const original = hooks.callModuleInitHook;
  if (typeof original !== 'function') return;
  hooks.callModuleInitHook = function (this: unknown, ...args: unknown[]) {
    for (const explorer of explorersIn(args[0])) follow(explorer);
    return Reflect.apply(original, this, args);
  };
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
  return (
    typeof candidate?.lookupSchedulers === 'function' &&
    typeof candidate.schedulerOrchestrator?.intervals === 'object' &&
    typeof candidate.schedulerOrchestrator.schedulerRegistry?.doesExist === 'function'
  );
}

/** Records what the explorer's lookups of its startup make, by instance and method. */
function follow(explorer: Explorer): void {
  if (followed.has(explorer)) return;
  followed.add(explorer);
  const lookup = explorer.lookupSchedulers;
  explorer.lookupSchedulers = function (this: Explorer, instance: object, key: string): unknown {
    const before = jobNames(this.schedulerOrchestrator);
    const result = Reflect.apply(lookup, this, [instance, key]);
    // Every instance it reads, with jobs or none yet: a load may give it its first.
    const entry = entryOf(explorer, instance);
    const job = jobAdded(this.schedulerOrchestrator, before);
    if (job) entry.jobs.set(key, job);
    return result;
  };
}

function entryOf(explorer: Explorer, instance: object): Scheduled {
  const klass = instance.constructor;
  const entries = scheduled.get(klass) ?? [];
  scheduled.set(klass, entries);
  let entry = entries.find((e) => e.instance === instance);
  if (!entry) entries.push((entry = { explorer, instance, jobs: new Map() }));
  return entry;
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

function specOf(kind: Kind, timeout: unknown, options: unknown): string {
  return kind === 'cron' ? JSON.stringify(options) : String(timeout);
}

/** Whether @nestjs/schedule read an instance of `klass` as the app started. */
export function isScheduledProvider(klass: unknown): klass is Function {
  return typeof klass === 'function' && (scheduled.get(klass)?.length ?? 0) > 0;
}

/** What scheduling a class's jobs again did, and whether its changed decorators were all its jobs'. */
export interface Rescheduled {
  started: string[];
  stopped: string[];
  onlyJobs: boolean;
}

/**
 * Runs `decorate` (the new version's method decorators, on the running class, after
 * forgetJobDecorators), then starts and stops the jobs of each of `klass`'s instances where they
 * differ from those the explorer made at startup. Throws what the explorer or the orchestrator
 * threw (a job's name another one has).
 */
export function scheduleAgain(klass: Function, decorate: () => void): Rescheduled {
  decorate();
  const done: Rescheduled = { started: [], stopped: [], onlyJobs: onlyJobDecorators(klass) };
  for (const entry of scheduled.get(klass) ?? []) {
    const { explorer, instance, jobs } = entry;
    const orchestrator = explorer.schedulerOrchestrator;
    const keys = new Set([...methodNames(explorer, instance), ...jobs.keys()]);
    for (const key of keys) {
      const now = jobFor(explorer, instance, key);
      const had = jobs.get(key);
      if (had && now && sameJob(had, now)) continue;
      if (had) {
        stop(orchestrator, had);
        jobs.delete(key);
        done.stopped.push(describe(key, had));
      }
      if (now) {
        explorer.lookupSchedulers(instance, key);
        const made = jobs.get(key);
        if (made) {
          mount(orchestrator, made);
          done.started.push(describe(key, made));
        }
      }
    }
  }
  return done;
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
 * only takes note (so the real one is untouched). A name not given is none yet (made at the add).
 */
function jobFor(explorer: Explorer, instance: object, key: string): (Job & { named: boolean }) | undefined {
  let job: (Job & { named: boolean }) | undefined;
  const note = (kind: Kind, name: unknown, spec: string): void => {
    job = { kind, name: typeof name === 'string' ? name : '', named: typeof name === 'string', spec };
  };
  const noting = {
    addCron: (_target: unknown, options: { name?: unknown }) => note('cron', options?.name, specOf('cron', 0, options)),
    addInterval: (_target: unknown, timeout: unknown, name: unknown) =>
      note('interval', name, specOf('interval', timeout, undefined)),
    addTimeout: (_target: unknown, timeout: unknown, name: unknown) =>
      note('timeout', name, specOf('timeout', timeout, undefined)),
  };
  const lookup = Object.getPrototypeOf(explorer).lookupSchedulers as Explorer['lookupSchedulers'];
  Reflect.apply(lookup, Object.create(explorer, { schedulerOrchestrator: { value: noting } }), [instance, key]);
  return job;
}

function sameJob(had: Job, now: Job & { named: boolean }): boolean {
  return had.kind === now.kind && had.spec === now.spec && (!now.named || now.name === had.name);
}

/** Stops a job and takes it out of the orchestrator and the registry, as `SchedulerRegistry.delete…` does. */
function stop(orchestrator: Orchestrator, job: Job): void {
  const { table, remove } = KINDS[job.kind];
  const entries = orchestrator[table] as Record<string, { initialDelayRef?: ReturnType<typeof setTimeout> }>;
  const delayed = entries[job.name]?.initialDelayRef;
  if (delayed !== undefined) clearTimeout(delayed);
  delete entries[job.name];
  const registry = orchestrator.schedulerRegistry;
  if (registry.doesExist(job.kind, job.name)) (registry[remove] as (name: string) => void).call(registry, job.name);
}

/** Mounts one job as the orchestrator mounts all of them when the app has started. */
function mount(orchestrator: Orchestrator, job: Job): void {
  const { table, mount: mountAll } = KINDS[job.kind];
  const all = orchestrator[table];
  orchestrator[table] = { [job.name]: all[job.name] } as never;
  try {
    (orchestrator as unknown as Record<string, () => void>)[mountAll]!.call(orchestrator);
  } finally {
    orchestrator[table] = all as never;
  }
}

/**
 * Takes the job decorators' metadata off the methods of a class @nestjs/schedule read, before
 * the new version's decorators run on it: a method a load left as it was keeps its function,
 * and with it the metadata of a decorator the load took out.
 */
export function forgetJobDecorators(klass: unknown): void {
  if (!isScheduledProvider(klass) || typeof metadata.deleteMetadata !== 'function') return;
  for (const method of methodsOf(klass)) for (const key of JOB_KEYS) metadata.deleteMetadata(key, method);
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
