/**
 * Time budgets for the code Hotpatch runs on the app's one thread: a new version's top level
 * and each `codeChange`. Past its budget the code is cut off and the load or upgrade refused,
 * so a `while (true) {}` in a saved file cannot freeze the app for good.
 *
 * Mechanism: the code is called from inside `vm.Script#runInThisContext({ timeout })`. When the
 * time is up, Node's watchdog thread calls V8's TerminateExecution, which unwinds every
 * JavaScript frame on the stack (the functions the code calls included, however deep), and
 * Node turns it into an ordinary error at the `runInThisContext` boundary, where it is caught
 * here. The code runs in the app's own context (same globals, same `require`): nothing about
 * it changes but the deadline. (A watchdog that only watches cannot stop a loop: the thread
 * it would warn is the one looping.)
 *
 * What it cannot catch:
 * - work after the code's first `await`, and callbacks, timers and promise reactions it
 *   schedules: they run later, outside the budget (an async codeChange is refused anyway);
 * - a blocking native call (readFileSync of a pipe, execSync, Atomics.wait): it is cut off only
 *   when it returns to JavaScript;
 * - `finally` blocks inside the cut-off code do not run (termination skips them): what that code
 *   half-changed stays half-changed. A cut-off version is discarded and a codeChange runs on a
 *   copy, so this touches only what they reached outside themselves (a module they required
 *   for the first time may stay half-evaluated in require.cache).
 *
 * Each budgeted call starts a watchdog thread (0.1–0.4 ms), so a batch of codeChange calls
 * shares one (runEachWithinBudget).
 */
import { Script } from 'node:vm';

/** Cut off after its budget. `item` is the one running then, for runEachWithinBudget. */
export class BudgetExceeded extends Error {
  constructor(
    readonly budgetMs: number,
    readonly item?: unknown,
  ) {
    super(`ran past its time budget of ${budgetMs} ms and was stopped`);
    this.name = 'BudgetExceeded';
  }
}

/** The defaults, also the agent's option defaults (options.ts). */
export const DEFAULT_TOP_LEVEL_BUDGET_MS = 5000;
export const DEFAULT_CODE_CHANGE_BUDGET_MS = 1000;

let topLevelMs = DEFAULT_TOP_LEVEL_BUDGET_MS;

/** Set once by the agent's start (option `topLevelBudgetMs`); 0 lifts the budget. */
export function setTopLevelBudget(ms: number): void {
  topLevelMs = ms;
}

/** The budget of a loading version's top level, in ms (0: none). */
export function topLevelBudget(): number {
  return topLevelMs;
}

/** Where the script finds the function to call: a global slot, since a script takes no arguments. */
const SLOT = Symbol.for('hotpatch.runWithinBudget');
const slots = globalThis as unknown as Record<symbol, (() => unknown) | undefined>;
const script = new Script(`globalThis[Symbol.for('hotpatch.runWithinBudget')]()`, {
  filename: 'hotpatch:budget',
});

/**
 * Calls `fn` and returns what it returns, throwing BudgetExceeded when it runs past `ms`
 * (0 or less: no budget). Errors `fn` throws pass through untouched, their stack unread.
 */
export function runWithinBudget<T>(fn: () => T, ms: number): T {
  if (!(ms > 0) || !Number.isFinite(ms)) return fn();
  const started = performance.now();
  slots[SLOT] = fn;
  try {
    // displayErrors: false, or Node would read (and decorate) the stack of every error fn
    // throws, which describeLoadError needs unread.
    return script.runInThisContext({ timeout: Math.ceil(ms), displayErrors: false }) as T;
  } catch (error) {
    // The same code comes from a vm timeout of the code's own, which is its error, not ours:
    // ours names our timeout, or the time the watchdog let pass (its clock and ours can differ
    // by a tick, so the time alone is not enough on a busy machine).
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    const ours = message === `Script execution timed out after ${Math.ceil(ms)}ms` || performance.now() - started >= ms;
    if (code === 'ERR_SCRIPT_EXECUTION_TIMEOUT' && ours) throw new BudgetExceeded(ms);
    throw error;
  } finally {
    // Not holding on to fn (a version's whole top level) after the call.
    slots[SLOT] = undefined;
  }
}

/**
 * Calls `each` on items[from], items[from + 1], … (at most `max` of them) within one watchdog,
 * giving each call `budgetMs`: no call starts once `budgetMs` has passed, and the watchdog is
 * set at twice that, so a call cut off ran more than `budgetMs` itself. Returns the index of the
 * next item to run (the caller yields to the event loop, then calls again from there). Throws
 * BudgetExceeded with the item that was running when the watchdog fired.
 */
export function runEachWithinBudget<T>(
  items: readonly T[],
  from: number,
  max: number,
  budgetMs: number,
  each: (item: T) => void,
): number {
  const end = Math.min(items.length, from + max);
  let i = from;
  const started = performance.now();
  const limited = budgetMs > 0 && Number.isFinite(budgetMs);
  try {
    runWithinBudget(() => {
      while (i < end && (i === from || !limited || performance.now() - started < budgetMs)) {
        each(items[i]!);
        i++;
      }
    }, 2 * budgetMs);
  } catch (error) {
    if (error instanceof BudgetExceeded) throw new BudgetExceeded(budgetMs, items[i]);
    throw error;
  }
  return i;
}
