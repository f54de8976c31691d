/**
 * Side effects owned by a version: the timers, intervals and immediates its top level starts.
 * While a version's top level runs, the global timer functions are wrapped so each handle is
 * recorded in that version's set; when the version is replaced they are all cleared, so
 * reloading a module with a top-level `setInterval` never leaves two intervals running.
 *
 * Top levels nest (a module requires another hot module while it evaluates), so captures
 * form a stack and each handle belongs to the innermost one. The globals are wrapped only
 * while the stack is non-empty, and until the loop turns after it empties: nothing costs
 * anything between loads. (Put back as each top level ended, they were swapped in and out once
 * per module, six writes to the global object: an ES module app runs all its top levels in one
 * turn, issue 13.) In between, a wrapper passes a call on as it is.
 *
 * A version being prepared is not running yet, and may never run (its plan can be aborted or
 * expire): the timeouts and intervals its top level starts are held until it is committed.
 * Their callbacks are gated: a tick that comes while held does nothing, and a timeout that came
 * due is started again (`refresh()`, same handle) when the version is released at commit, so
 * it runs its full delay after that. Immediates are not held: they run in the next turn, as
 * part of evaluating the version, where its guard (version-guard.ts) still catches them.
 */

type Handle = NodeJS.Timeout | NodeJS.Immediate;

export class OwnedTimers {
  // Made when first used: most top levels start no timer, and an app's start made three for each
  // module (issue 13).
  #handleSet: Set<Handle> | undefined;
  /** The top-level statement that started each handle, for live modules (see live/instrument.ts). */
  #statementMap: Map<Handle, number> | undefined;
  /** The statement running now. */
  statement = -1;
  /** Holding the callbacks of the timers started into this set (a prepared version's), until release. */
  #held = false;
  /** Timeouts that came due while held: started again at release. */
  #dueSet: Set<NodeJS.Timeout> | undefined;

  get #handles(): Set<Handle> {
    return (this.#handleSet ??= new Set());
  }

  get #statementOf(): Map<Handle, number> {
    return (this.#statementMap ??= new Map());
  }

  get #due(): Set<NodeJS.Timeout> {
    return (this.#dueSet ??= new Set());
  }

  get held(): boolean {
    return this.#held;
  }

  /** From now until `release()`, timers started into this set do not run their callbacks. */
  hold(): void {
    this.#held = true;
  }

  /** The version was committed: its timers run; a timeout that came due meanwhile starts again. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    for (const handle of this.#due) if (this.#handles.has(handle)) handle.refresh();
    this.#due.clear();
  }

  /** `callback`, doing nothing while this set is held (a timeout's due-ness noted for release). */
  gate(callback: (...args: unknown[]) => unknown, repeats: boolean): (...args: unknown[]) => unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the gate needs both `this`es
    const owner = this;
    return function (this: NodeJS.Timeout, ...args: unknown[]): unknown {
      if (!owner.#held) return Reflect.apply(callback, this, args);
      // Node calls a timer's callback on its handle. An interval ticks again by itself.
      if (!repeats) owner.#due.add(this);
      return undefined;
    };
  }

  add(handle: Handle): void {
    this.#handles.add(handle);
    if (this.statement >= 0) this.#statementOf.set(handle, this.statement);
  }

  /**
   * Hands the timers of the statements a new version keeps (old index → new index) over to
   * it: they go on running, owned by the new version; the rest stay here to be cleared.
   */
  handOver(kept: Map<number, number>, to: OwnedTimers): void {
    for (const handle of this.#handles) {
      const statement = this.#statementOf.get(handle);
      const next = statement === undefined ? undefined : kept.get(statement);
      if (next === undefined) continue;
      this.#handles.delete(handle);
      this.#statementOf.delete(handle);
      to.#handles.add(handle);
      to.#statementOf.set(handle, next);
    }
  }

  get size(): number {
    return this.#handleSet?.size ?? 0;
  }

  /** Stops every timer, interval and immediate this version started. */
  clear(): void {
    for (const handle of this.#handles) {
      if (isImmediate(handle)) clearImmediate(handle);
      else clearTimeout(handle);
    }
    this.#handles.clear();
    this.#statementOf.clear();
    this.#due.clear();
  }
}

function isImmediate(handle: Handle): handle is NodeJS.Immediate {
  return typeof (handle as NodeJS.Immediate).hasRef === 'function' && !('refresh' in handle);
}

const stack: OwnedTimers[] = [];
const TIMER_FUNCTIONS = ['setTimeout', 'setInterval', 'setImmediate'] as const;
const timerGlobals = globalThis as unknown as Record<(typeof TIMER_FUNCTIONS)[number], unknown>;
const originals = {
  setTimeout: globalThis.setTimeout,
  setInterval: globalThis.setInterval,
  setImmediate: globalThis.setImmediate,
};

function wrap<F extends (...args: never[]) => Handle>(original: F, kind: 'timeout' | 'interval' | 'immediate'): F {
  const wrapped = function (this: unknown, ...args: Parameters<F>): Handle {
    const owner = stack.at(-1);
    const [callback, ...rest] = args as unknown[];
    const held = owner?.held && kind !== 'immediate' && typeof callback === 'function';
    const handle = Reflect.apply(
      original,
      this,
      held ? [owner.gate(callback as (...a: unknown[]) => unknown, kind === 'interval'), ...rest] : args,
    ) as Handle;
    owner?.add(handle);
    return handle;
  };
  // Keep util.promisify(setTimeout) and friends working while wrapped.
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(original));
  return wrapped as unknown as F;
}

const wrapped = {
  setTimeout: wrap(originals.setTimeout, 'timeout'),
  setInterval: wrap(originals.setInterval, 'interval'),
  setImmediate: wrap(originals.setImmediate, 'immediate'),
};

/** The top-level statement now running in the innermost capture (a live module's mark). */
export function markStatement(index: number): void {
  const owner = stack.at(-1);
  if (owner) owner.statement = index;
}

/** The putting back of the global functions, once the loop turns after the last capture ended. */
let restoring: NodeJS.Immediate | undefined;

/** Starts recording timers into `owner` until the matching `endCapture`. */
export function beginCapture(owner: OwnedTimers): void {
  if (stack.length === 0) {
    for (const name of TIMER_FUNCTIONS) if (timerGlobals[name] !== wrapped[name]) timerGlobals[name] = wrapped[name];
  }
  stack.push(owner);
}

/** Stops recording into `owner` (and into any capture left open inside it by a top level that threw). */
export function endCapture(owner: OwnedTimers): void {
  const index = stack.lastIndexOf(owner);
  if (index >= 0) stack.length = index;
  if (stack.length === 0) restoring ??= originals.setImmediate(restoreTimerFunctions).unref();
}

/** Puts the global functions back; one something else replaced meanwhile is left as it is. */
function restoreTimerFunctions(): void {
  restoring = undefined;
  if (stack.length > 0) return; // a capture began again and is still open: put back once it ends
  for (const name of TIMER_FUNCTIONS) if (timerGlobals[name] === wrapped[name]) timerGlobals[name] = originals[name];
}

/**
 * Runs `evaluate` (a version's top level) and returns what it started, cleared again if it
 * throws; with `hold`, what it started is held until `timers.release()` (a version being loaded).
 */
export function captureTimers<T>(evaluate: () => T, hold = false): { result: T; timers: OwnedTimers } {
  const timers = new OwnedTimers();
  if (hold) timers.hold();
  beginCapture(timers);
  // Cleaned up in `finally`, not caught and thrown again: an error the app does not catch is
  // then shown by Node at the line of the app's that threw it, not at this bundle's throw.
  let ran = false;
  try {
    const result = evaluate();
    ran = true;
    return { result, timers };
  } finally {
    if (!ran) timers.clear();
    endCapture(timers);
  }
}
