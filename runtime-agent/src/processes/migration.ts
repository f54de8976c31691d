/**
 * Running a codeChange, in the dry run and at commit alike, on a copy of the live state: the
 * live state is only replaced by what codeChange returned, once every process's migration
 * succeeded, so a codeChange that writes to its input and then throws leaves nothing behind.
 * Results that cannot be a state (undefined, a promise) are refused.
 */
import { BudgetExceeded } from '../code-server/budget';
import type { VersionScope } from '../code-server/live/live-module';
import type { StateShape, UpgradeError } from '../protocol';
import type { AnySpec, CodeChangeFrom } from './define-server';
import type { ServerProcess } from './server-process';
import { checkShape } from './state-shape';
import { errorMessage } from '../error-message';
import { copyKeepingFunctions, type Originals } from './copy-keeping-functions';
import { findUncopyable, type Uncopyable } from './uncopyable';

/** What a migration needs of a release handler's stage. */
export interface MigrationStage {
  module: { file: string };
  shape: StateShape | undefined;
  /** Whether any server of the new code has a codeChange (else states are kept, uncopied). */
  hasMigration: boolean;
  migrate(process: ServerProcess, copy: () => unknown): unknown;
  /** The version whose codeChange runs, which calls its functions as they will be once committed (as-committed.ts). */
  version?: VersionScope;
}

/** A migration's result refused as it is (not thrown by codeChange itself). */
export class MigrationRefused extends Error {}

/**
 * One process's migration, in three steps so that only the codeChange itself runs within its
 * time budget (see chunked.ts): the copy of the live state is made first (a large state's copy
 * is not its codeChange's time), then `run` calls the codeChange on it, then `finish` checks the
 * result. The live state is never passed to a codeChange; without one it is kept as it is
 * (same object), since nothing changes it.
 */
export class Migration {
  readonly #copy: () => unknown;
  #outcome: { state: unknown } | { error: string } | undefined;

  constructor(
    readonly stage: MigrationStage,
    readonly process: ServerProcess,
    purpose: string,
  ) {
    let copied: { value: unknown } | { error: string } | undefined;
    if (stage.hasMigration) {
      try {
        copied = { value: copyState(process.state) };
      } catch (error) {
        copied = { error: `its state cannot be copied for ${purpose}: ${errorMessage(error)}` };
      }
    }
    this.#copy = () => {
      copied ??= { value: copyState(process.state) };
      if ('error' in copied) throw new MigrationRefused(copied.error);
      return copied.value;
    };
  }

  /** The codeChange, on the copy (what runs within the budget). */
  run(): void {
    try {
      this.#outcome = { state: this.stage.migrate(this.process, this.#copy) };
    } catch (error) {
      this.#outcome = {
        error: error instanceof MigrationRefused ? error.message : `codeChange threw: ${errorMessage(error)}`,
      };
    }
  }

  /** The new state once checked, or undefined with why recorded in `errors`. */
  finish(errors: UpgradeError[]): { state: unknown } | undefined {
    const outcome = this.#outcome ?? { error: 'codeChange did not run' };
    let problem = 'error' in outcome ? outcome.error : undefined;
    let wrongShape = false;
    if ('state' in outcome && this.stage.shape) {
      const wrong = checkShape(outcome.state, this.stage.shape);
      if (wrong) problem = `codeChange returned ${wrong}`;
      wrongShape = wrong !== undefined;
    }
    if (problem === undefined && 'state' in outcome) return { state: outcome.state };
    errors.push({
      file: this.stage.module.file,
      process: this.process.id,
      message: problem!,
      ...(wrongShape ? { wrongShape } : {}),
    });
    return undefined;
  }
}

/**
 * `spec`'s codeChange applied to `copy()`; `live` when it has none. One that returns after more
 * than `budgetMs` is refused too (one that does not return is cut off: see runEachWithinBudget).
 */
export function runCodeChange(
  spec: AnySpec,
  from: CodeChangeFrom,
  live: unknown,
  copy: () => unknown,
  extra: unknown,
  budgetMs = 0,
): unknown {
  if (typeof spec.codeChange !== 'function') return live;
  const input = copy();
  const started = performance.now();
  const result = spec.codeChange(from, input, extra);
  const ms = performance.now() - started;
  if (budgetMs > 0 && ms > budgetMs) {
    throw new MigrationRefused(`codeChange ran ${Math.round(ms)} ms, past its time budget of ${budgetMs} ms`);
  }
  if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
    // Refused either way; a rejection nobody handles would end the app a moment later.
    (result as PromiseLike<unknown>).then(undefined, () => {});
    throw new MigrationRefused('codeChange must return the new state synchronously, not a promise');
  }
  if (result === undefined) {
    throw new MigrationRefused(
      'codeChange returned undefined: it must return the new state (return the state it got to keep it)',
    );
  }
  return result;
}

/** The error of a process whose migration was cut off at its time budget (runEachWithinBudget). */
export function cutOff(file: string, error: BudgetExceeded): UpgradeError {
  const process = (error.item as Migration | undefined)?.process.id;
  return {
    file,
    ...(process ? { process } : {}),
    message:
      `codeChange ran past its time budget of ${error.budgetMs} ms and was stopped (a loop that never ends?) ` +
      '(codeChangeBudgetMs, HOTPATCH_CODE_CHANGE_BUDGET_MS)',
  };
}

/**
 * The copy of a live state that a codeChange runs on. structuredClone copies data, not
 * classes: an instance of `class Cart` comes back a plain object. Each copied object gets its
 * original's prototype back, so a state holding class instances migrates as one (their methods
 * work on the copied fields; private `#fields` and other internal slots are not copied, and a
 * method that uses them throws in codeChange, which refuses the upgrade rather than installing a
 * broken state). A state structuredClone cannot copy at all (functions, sockets, symbols as
 * values) cannot be migrated: this throws an UncopyableState naming where, from `root` (the
 * state's name in the user's code), and the caller refuses the upgrade. Unless `originals` is
 * given: a state holder's value, which is written back into its originals (write-back.ts), is
 * then copied keeping its functions (copy-keeping-functions.ts), and each copy's original is
 * recorded there.
 */
export function copyState(state: unknown, root = 'state', originals?: Originals): unknown {
  let copy: unknown;
  try {
    copy = structuredClone(state);
  } catch (error) {
    if (originals) return copyKeepingFunctions(state, originals);
    throw new UncopyableState(findUncopyable(state, root), errorMessage(error));
  }
  restorePrototypes(state, copy, new Set(), originals);
  return copy;
}

/**
 * A state that cannot be copied: where the function or symbol that stops the copy is, when one
 * does (`orders.get("o1").publish is a function`), else structuredClone's own reason.
 */
export class UncopyableState extends Error {
  constructor(
    readonly found: Uncopyable | undefined,
    reason: string,
  ) {
    super(found ? `${found.path} is ${found.what}, which a copy cannot carry` : reason);
  }
}

function restorePrototypes(original: unknown, copy: unknown, seen: Set<object>, originals?: Originals): void {
  if (original === null || typeof original !== 'object' || copy === null || typeof copy !== 'object') return;
  if (seen.has(original)) return;
  seen.add(original);
  originals?.set(copy, original);
  const prototype = Object.getPrototypeOf(original) as object | null;
  if (Object.getPrototypeOf(copy) !== prototype) Object.setPrototypeOf(copy, prototype);
  if (original instanceof Map && copy instanceof Map) {
    // Insertion order is kept by the copy: walk both side by side.
    const copied = [...copy.entries()];
    let i = 0;
    for (const [key, value] of original) {
      const [copiedKey, copiedValue] = copied[i++]!;
      restorePrototypes(key, copiedKey, seen, originals);
      restorePrototypes(value, copiedValue, seen, originals);
    }
  } else if (original instanceof Set && copy instanceof Set) {
    const copied = [...copy];
    let i = 0;
    for (const value of original) restorePrototypes(value, copied[i++], seen, originals);
  } else if (Array.isArray(original)) {
    const copied = copy as unknown[];
    for (let i = 0; i < original.length; i++) restorePrototypes(original[i], copied[i], seen, originals);
  } else {
    const source = original as Record<string, unknown>;
    const target = copy as Record<string, unknown>;
    for (const key of Object.keys(source)) restorePrototypes(source[key], target[key], seen, originals);
  }
}
