/** What an upgrade would do (a plan), and what a load or a commit did. */
import type { ModuleInfo } from './agent-info';
import type { UpgradeError } from './errors';

/** One module of an upgrade plan. */
export interface PlanModule {
  file: string;
  fromVsn: string;
  toVsn: string;
  /** Processes whose state goes through `codeChange` (or is kept as is when there is none). */
  processes: number;
  /** The new version has a codeChange for its servers, its variables or its classes' instances. */
  migration: boolean;
  /**
   * The module's variables (`module`) and the classes (`class:<Name>`) whose new code has a
   * codeChange, with how many live values it converts (1 for the variables, the instances
   * found for a class).
   */
  holders?: { key: string; instances: number; migration: boolean }[];
}

/** What an upgrade would do, from `agent/prepare`. */
export interface UpgradePlan {
  /** Pass to agent/commit or agent/abort; expires at `expiresAt` (ISO time). */
  id: string;
  ok: boolean;
  modules: PlanModule[];
  errors: UpgradeError[];
  /**
   * Before/after state of the first processes (dry run on copies), rendered JSON-safe, each
   * within about 256 KiB: past that, parts are left out (`$omitted`, `$truncated`, long strings
   * as `{ $string, $length }`) and `truncated` is true.
   */
  previews: { process: string; file: string; before: unknown; after: unknown; truncated?: boolean }[];
  expiresAt: string;
  /**
   * `readAhead`: how many of its modules' code was read before the prepare (agent/readAhead);
   * `patchedAhead`: of those, how many had their patch built then too, taken as built because
   * the version it patches still ran.
   */
  timings: { prepareMs: number; readAhead?: number; patchedAhead?: number };
}

/**
 * What a load applied and what it could not, for one module. A load applies the edit, not
 * the module: statements that did not change are not run again and keep their effect, and
 * module variables whose declaration did not change keep their running value.
 */
export interface LoadReport {
  file: string;
  /** `patched`: only what changed was evaluated; `reloaded`: the whole module ran again (its state started over). */
  mode: 'patched' | 'reloaded';
  /** Top-level statements not run again. */
  kept: number;
  /** Statements that ran, as `line N: text`, and supervision trees their supervise() calls updated in place. */
  ran: string[];
  /** Module variables whose changed initializer gave them a new value. */
  rebound: string[];
  /** Module variables the new version added. */
  added: string[];
  /** Functions whose new body now runs wherever they are held (route handlers, listeners, callbacks). */
  functions: string[];
  /** Statements removed or changed whose routes and middleware (Express, Koa, @koa/router) were taken back. */
  undone: string[];
  /** What could not apply in place, each with its reason: a restart applies it. */
  notApplied: string[];
  /**
   * Module variables a changed `new …` initializer gave a new object in place of the running one
   * (a cache, a store): what the app had put in the running one is not in the new one. Applied,
   * and said as a warning; a restart would not bring it back either.
   */
  dropped?: string[];
}

export interface CommitResult {
  modules: ModuleInfo[];
  /** One per module, in the order of `modules`. */
  reports: LoadReport[];
  /** Processes whose state was migrated (or kept) and which resumed on the new code. */
  processes: number;
  timings: {
    suspendMs: number;
    migrateMs: number;
    totalMs: number;
    /** The longest synchronous stretch of the commit: how long the app's event loop was blocked at most. */
    longestBlockMs: number;
  };
  warnings: string[];
  /**
   * One per module, in the order of `modules`: the warnings of that module's commit. Each is in
   * `warnings` too, which also holds the release's own (old versions purged). So that a client
   * showing a line per module says each where it belongs (absent from agents before it).
   */
  moduleWarnings?: string[][];
}
