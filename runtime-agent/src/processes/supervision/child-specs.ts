/**
 * Child specifications (OTP's child_spec()): their types, the checks a supervisor makes before
 * it takes a list of them, and the comparison of two lists that a supervisor's code change
 * applies (OTP's supervisor:code_change, see supervisor.ts). Pure: no process is touched here.
 */
import type { ServerProcess } from '../server-process';
import type { Supervisor } from '../supervisor';
import { checkShutdown, type Shutdown } from './shutdown';

/**
 * Which children a crash restarts: the one (one_for_one), all (one_for_all), or it and those
 * started after it (rest_for_one). simple_one_for_one: one spec, from which startChild(...args)
 * starts any number of children, each restarted alone.
 */
export type RestartStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
/** permanent: always restarted; transient: only after a crash; temporary: never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** Something a supervisor can start, watch and stop: a server process or another supervisor. */
export type Child = ServerProcess | Supervisor;

export interface ChildSpec {
  /** Names the child within its supervisor; unique among its siblings. */
  id: string;
  /** Starts the child; under simple_one_for_one, with the arguments given to startChild. */
  start(...args: unknown[]): Child;
  restart?: RestartType;
  /**
   * How long a handler it is running may take to finish when the supervisor terminates it
   * (terminateChild, stop), in ms (default 5000) or 'infinity'; 'brutal_kill' kills it at once
   * without terminate (see supervision/shutdown.ts).
   */
  shutdown?: Shutdown;
}

export interface SupervisorOptions {
  /**
   * Registers the supervisor under this name (OTP's `{local, Name}`), unique among running
   * supervisors; a load of its module pairs its supervise() call with the running tree by it.
   */
  name?: string;
  strategy?: RestartStrategy;
  /** Restarts allowed within `period` ms before the supervisor gives up. Default 3 in 5 s. */
  intensity?: number;
  period?: number;
}

const STRATEGIES: readonly string[] = ['one_for_one', 'one_for_all', 'rest_for_one', 'simple_one_for_one'];
const RESTART_TYPES: readonly string[] = ['permanent', 'transient', 'temporary'];

/** Throws a TypeError naming the first thing wrong with `children` (OTP's check_childspecs). */
export function checkChildSpecs(children: readonly ChildSpec[]): void {
  if (!Array.isArray(children)) throw new TypeError('supervise: children must be an array of child specs');
  const seen = new Set<string>();
  children.forEach((spec, index) => {
    const where = `child spec ${index}`;
    if (spec === null || typeof spec !== 'object') throw new TypeError(`supervise: ${where} is not an object`);
    if (typeof spec.id !== 'string' || spec.id === '') throw new TypeError(`supervise: ${where} has no string id`);
    if (seen.has(spec.id)) throw new TypeError(`supervise: two children have the id '${spec.id}'`);
    seen.add(spec.id);
    if (typeof spec.start !== 'function') throw new TypeError(`supervise: child '${spec.id}' has no start()`);
    if (spec.restart !== undefined && !RESTART_TYPES.includes(spec.restart)) {
      throw new TypeError(`supervise: child '${spec.id}' has restart '${String(spec.restart)}'`);
    }
    checkShutdown(spec.id, spec.shutdown);
  });
}

/** How a supervisor restarts: its options without the name, defaults filled in. */
export type RestartLimits = Required<Omit<SupervisorOptions, 'name'>>;

/** Throws a TypeError naming a strategy, intensity or period a supervisor cannot run with. */
export function checkOptions(options: SupervisorOptions): void {
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
    throw new TypeError('supervise: name must be a non-empty string');
  }
  if (options.strategy !== undefined && !STRATEGIES.includes(options.strategy)) {
    throw new TypeError(`supervise: unknown strategy '${String(options.strategy)}'`);
  }
  for (const key of ['intensity', 'period'] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw new TypeError(`supervise: ${key} must be a number ≥ 0, not ${String(value)}`);
    }
  }
}

/** How a new list of child specs differs from the running one, by child id. */
export interface SpecDiff {
  /** Ids in both lists with the same spec: their children keep running. */
  unchanged: string[];
  /** Ids in both lists whose spec changed: their children keep running; the new spec applies at their next start. */
  changed: string[];
  /** Ids only in the new list: started. */
  added: string[];
  /** Ids only in the running list: terminated and deleted. */
  removed: string[];
}

export function diffChildSpecs(running: readonly ChildSpec[], next: readonly ChildSpec[]): SpecDiff {
  const before = new Map(running.map((spec) => [spec.id, spec]));
  const after = new Set(next.map((spec) => spec.id));
  const diff: SpecDiff = { unchanged: [], changed: [], added: [], removed: [] };
  for (const spec of next) {
    const old = before.get(spec.id);
    if (!old) diff.added.push(spec.id);
    else if (sameSpec(old, spec)) diff.unchanged.push(spec.id);
    else diff.changed.push(spec.id);
  }
  for (const spec of running) if (!after.has(spec.id)) diff.removed.push(spec.id);
  return diff;
}

/**
 * `start` is not compared: each version of a module makes its closures anew (and a load
 * gives a function its new body wherever it is held), so the child's next start runs the
 * newest code whatever the text. What changes how the supervisor treats the child is.
 */
function sameSpec(a: ChildSpec, b: ChildSpec): boolean {
  return (a.restart ?? 'permanent') === (b.restart ?? 'permanent') && a.shutdown === b.shutdown;
}

/** `the strategy one_for_one → one_for_all`, for each option that changed. */
export function describeOptionChanges(before: RestartLimits, after: RestartLimits): string[] {
  const changes: string[] = [];
  for (const key of ['strategy', 'intensity', 'period'] as const) {
    if (before[key] !== after[key]) changes.push(`${key} ${before[key]} → ${after[key]}`);
  }
  return changes;
}

/** Its options with the defaults filled in (3 restarts in 5 s, one_for_one). */
export function withDefaults(options: SupervisorOptions): RestartLimits {
  checkOptions(options);
  return {
    strategy: options.strategy ?? 'one_for_one',
    intensity: options.intensity ?? 3,
    period: options.period ?? 5000,
  };
}

/** A simple_one_for_one supervisor's one spec (OTP refuses any other count). */
export function onlySpec(children: ChildSpec[]): ChildSpec {
  if (children.length !== 1) {
    throw new TypeError(`supervise: simple_one_for_one takes exactly one child spec, not ${children.length}`);
  }
  return children[0]!;
}

/** One child, as `whichChildren` reports it (OTP's which_children). */
export interface ChildInfo {
  /** The spec's id; undefined for a simple_one_for_one child, as in OTP. */
  id: string | undefined;
  /** Undefined when not running (terminated, or a transient or temporary child that ended). */
  child: Child | undefined;
  type: 'worker' | 'supervisor';
}

/** What a supervisor's code change did (see Supervisor.codeChange). */
export interface SupervisorChange extends SpecDiff {
  /** The options that changed, as `strategy one_for_one → one_for_all`. */
  options: string[];
  /** Added children whose start failed, with the reason: retried as restarts are. */
  failed: string[];
}
