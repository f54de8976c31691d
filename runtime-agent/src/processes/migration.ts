/**
 * Running a codeChange, in the dry run and at commit alike, on a copy of the live state: the
 * live state is only replaced by what codeChange returned, once every process's migration
 * succeeded, so a codeChange that writes to its input and then throws leaves nothing behind.
 * Results that cannot be a state (undefined, a promise) are refused.
 */
import { BudgetExceeded } from '../code-server/budget';
import type { StateShape, UpgradeError } from '../protocol';
import type { AnySpec, CodeChangeFrom } from './define-server';
import type { ServerProcess } from './server-process';
import { checkShape } from './state-shape';

/** What a migration needs of a release handler's stage. */
export interface MigrationStage {
  module: { file: string };
  shape: StateShape | undefined;
  migrate(process: ServerProcess, copy: () => unknown): unknown;
}

/** A migration's result refused as it is (not thrown by codeChange itself). */
export class MigrationRefused extends Error {}

/**
 * Runs the stage's migration of `process` on a copy of its live state and checks the result;
 * on failure records why in `errors` and returns undefined. The live state is never passed to
 * a codeChange; without one it is kept as it is (same object), since nothing changes it.
 */
export function migrateCopy(
  stage: MigrationStage,
  process: ServerProcess,
  purpose: string,
  errors: UpgradeError[],
): { state: unknown } | undefined {
  const fail = (message: string): undefined => {
    errors.push({ file: stage.module.file, process: process.id, message });
    return undefined;
  };
  const copy = (): unknown => {
    try {
      return copyState(process.state);
    } catch (error) {
      throw new MigrationRefused(`its state cannot be copied for ${purpose}: ${messageOf(error)}`);
    }
  };
  let state: unknown;
  try {
    state = stage.migrate(process, copy);
  } catch (error) {
    return fail(error instanceof MigrationRefused ? error.message : `codeChange threw: ${messageOf(error)}`);
  }
  const problem = stage.shape ? checkShape(state, stage.shape) : undefined;
  return problem ? fail(`codeChange returned ${problem}`) : { state };
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
  const process = (error.item as ServerProcess | undefined)?.id;
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
 * classes: an instance of `class Cart` comes back a plain object. Each copied object gets its original's prototype back, so a state holding class
 * instances migrates as one (their methods work on the copied fields; private `#fields` and
 * other internal slots are not copied, and a method that uses them throws in codeChange, which
 * refuses the upgrade rather than installing a broken state). A state structuredClone cannot
 * copy at all (functions, sockets, symbols as values) cannot be migrated: the caller refuses it.
 */
export function copyState(state: unknown): unknown {
  const copy = structuredClone(state);
  restorePrototypes(state, copy, new Set());
  return copy;
}

function restorePrototypes(original: unknown, copy: unknown, seen: Set<object>): void {
  if (original === null || typeof original !== 'object' || copy === null || typeof copy !== 'object') return;
  if (seen.has(original)) return;
  seen.add(original);
  const prototype = Object.getPrototypeOf(original) as object | null;
  if (Object.getPrototypeOf(copy) !== prototype) Object.setPrototypeOf(copy, prototype);
  if (original instanceof Map && copy instanceof Map) {
    // Insertion order is kept by the copy: walk both side by side.
    const copied = [...copy.entries()];
    let i = 0;
    for (const [key, value] of original) {
      const [copiedKey, copiedValue] = copied[i++]!;
      restorePrototypes(key, copiedKey, seen);
      restorePrototypes(value, copiedValue, seen);
    }
  } else if (original instanceof Set && copy instanceof Set) {
    const copied = [...copy];
    let i = 0;
    for (const value of original) restorePrototypes(value, copied[i++], seen);
  } else if (Array.isArray(original)) {
    const copied = copy as unknown[];
    for (let i = 0; i < original.length; i++) restorePrototypes(original[i], copied[i], seen);
  } else {
    const source = original as Record<string, unknown>;
    const target = copy as Record<string, unknown>;
    for (const key of Object.keys(source)) restorePrototypes(source[key], target[key], seen);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
