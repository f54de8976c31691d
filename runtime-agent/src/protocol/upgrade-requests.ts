/** Requests (client → agent): a release upgrade (prepare, commit, abort, rollback), and what makes its first save fast. */
import { RequestType } from 'vscode-jsonrpc';
import { Origin } from './agent-info';
import type { UpgradeErrorData } from './errors';
import { FileParams } from './module-requests';
import { StateShape } from './process-info';
import type { CommitResult, UpgradePlan } from './upgrade-info';
import * as z from 'zod/mini';
import { boundedInt, boundedString, filePath, shortString, timeoutMs } from './schemas';

const UpgradeModule = z
  .strictObject({
    file: filePath(),
    code: z.optional(z.string()),
    /** In place of `code`: the number of the file's reading (agent/readAhead), whose code the agent keeps. */
    readAhead: z.optional(z.int().check(z.gte(1))),
    source: z.optional(z.string()),
    origin: z._default(Origin, 'protocol'),
  })
  .check(
    z.refine((m) => (m.code === undefined) !== (m.readAhead === undefined), {
      message: 'give either code or readAhead (the number of a reading of the file), not both',
    }),
  );

export const PrepareParams = z.strictObject({
  /** Every module of the release; all are committed together or none. */
  modules: z.array(UpgradeModule).check(z.minLength(1), z.maxLength(1000)),
  /** Passed to every codeChange as `extra`. */
  extra: z.optional(z.unknown()),
  /** State shapes by module file, checked on every migrated state. */
  shapes: z.optional(z.record(z.string(), StateShape)),
  /**
   * Shapes of what a module holds outside servers, by module file, then holder: `module` (its
   * variables) or `class:<Name>` (its instances' fields), each an object shape. Every value a
   * holder's codeChange returns is checked against the property of its name.
   */
  holderShapes: z.optional(z.record(z.string(), z.record(z.string(), StateShape))),
  /** How many before/after previews to return. Default 20. */
  previews: z._default(boundedInt(0, 1000), 20),
  /**
   * Restart the modules' processes on the new code instead of migrating their states: at the
   * commit they are killed while still suspended and their supervisors start them anew.
   */
  restart: z._default(z.boolean(), false),
  /**
   * The plan's id, chosen by the client (a UUID; default: chosen by the agent). A client that
   * stops waiting for the prepare can then abort the plan anyway: an abort that comes before
   * its prepare has finished makes that prepare drop the plan (`ok: false`) when it does.
   */
  plan: z.optional(boundedString(1, 100)),
  /**
   * Prepared ahead of its save, while the user types: refused (`ok: false`, nothing evaluated)
   * unless the version runs none of the app's code, only gives functions new bodies (no
   * statement runs, no class's static parts, no codeChange in the dry run). The client commits
   * the plan if the save is of the same code, and aborts it otherwise.
   */
  ahead: z._default(z.boolean(), false),
});
export type PrepareParams = z.input<typeof PrepareParams>;
/**
 * Sent by a client to stage an upgrade (the release handler's check): evaluates each new
 * version in isolation and dry-runs every codeChange on a structured clone of each live
 * state. Nothing in the app changes. A plan that is not ok is dropped at once.
 */
export const prepare = new RequestType<PrepareParams, UpgradePlan, void>('agent/prepare');

/**
 * An upgrade's purge choice for processes whose handler is still running when it suspends
 * them (they run code that becomes old): instead of waiting `suspendTimeoutMs` for them,
 * `soft` refuses the upgrade at once, naming them, and `brutal` kills them (their supervisors
 * start them again, on the new code once it is current).
 */
export const UpgradePurge = z.enum(['soft', 'brutal']);
export type UpgradePurge = z.infer<typeof UpgradePurge>;

export const CommitParams = z.strictObject({
  plan: shortString(100),
  /** How long to wait for running handlers to finish before giving up. Default 5000 ms. */
  suspendTimeoutMs: timeoutMs(),
  purge: z.optional(UpgradePurge),
});
export type CommitParams = z.input<typeof CommitParams>;
/**
 * Sent by a client to carry out a prepared plan: suspend the processes (running handlers
 * finish, new messages queue), run codeChange on the live states in chunks, check shapes,
 * and only when every one succeeded swap the code and the states and resume. Any failure
 * before that point resumes every process on its old code and old state (UpgradeFailed).
 */
export const commit = new RequestType<CommitParams, CommitResult, UpgradeErrorData>('agent/commit');

export const PlanParams = z.strictObject({ plan: shortString(100) });
export type PlanParams = z.infer<typeof PlanParams>;
/**
 * Sent by a client to drop a prepared plan (the prepared versions are discarded). `aborted` is
 * false when there was none; an id still being prepared is dropped when its prepare finishes.
 */
export const abort = new RequestType<PlanParams, { aborted: boolean }, void>('agent/abort');

export interface WarmResult {
  /** False when the module's code cannot take a version in place (it would be evaluated whole): nothing ran. */
  warmed: boolean;
  /** Milliseconds the warm-up took inside the agent. */
  ms: number;
  /** Rounds of the whole module prepared and dropped. */
  rounds: number;
  /** Rounds of the reading on a slice of a long module, after a long round of the whole (none otherwise). */
  sliceRounds: number;
}
/**
 * Sent by a client when the user opens a hot module's file: the agent prepares the module's
 * running code as a new version in place and discards it (a prepare and an abort of unchanged
 * code), so that the code paths the first save runs are compiled and warm before it. Nothing
 * in the app runs or changes; a module whose code would be evaluated whole is not touched.
 */
export const warm = new RequestType<FileParams, WarmResult, void>('agent/warm');

export const ReadAheadParams = z.strictObject({
  file: filePath(),
  code: z.string(),
});
export type ReadAheadParams = z.infer<typeof ReadAheadParams>;
export interface ReadAheadResult {
  /** False when nothing was kept: the module's versions are not live, or the code does not parse. */
  read: boolean;
  /** The reading's number, when one was kept: a prepare may send it in place of the code (PrepareParams). */
  reading?: number;
  /** Milliseconds the reading (and building the patch) took inside the agent. */
  ms: number;
}
/**
 * Sent by a client while the user edits a hot module's file, when typing pauses: the agent
 * reads `code` (the file's next version, compiled as a save would send it), builds the patch
 * from the running version, and keeps both for a prepare of exactly that code. Nothing in the
 * app runs or changes.
 */
export const readAhead = new RequestType<ReadAheadParams, ReadAheadResult, void>('agent/readAhead');

export const RollbackParams = z.strictObject({
  files: z.array(filePath()).check(z.minLength(1), z.maxLength(1000)),
  extra: z.optional(z.unknown()),
  suspendTimeoutMs: timeoutMs(),
  purge: z.optional(UpgradePurge),
});
export type RollbackParams = z.input<typeof RollbackParams>;
/**
 * Sent by a client to make each module's old version current again, converting states with
 * the current version's `codeChange({ down: oldVsn }, state, extra)`; all or nothing.
 */
export const rollback = new RequestType<RollbackParams, CommitResult, UpgradeErrorData>('agent/rollback');
