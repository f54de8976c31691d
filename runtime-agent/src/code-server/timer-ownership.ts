/**
 * Side effects owned by a version: the timers, intervals and immediates its top level starts.
 * While a version's top level runs, the global timer functions are wrapped so each handle is
 * recorded in that version's set; when the version is replaced they are all cleared, so
 * reloading a module with a top-level `setInterval` never leaves two intervals running.
 *
 * Top levels nest (a module requires another hot module while it evaluates), so captures
 * form a stack and each handle belongs to the innermost one. The globals are wrapped only
 * while the stack is non-empty: nothing costs anything between loads.
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
  readonly #handles = new Set<Handle>();
  /** The top-level statement that started each handle, for live modules (see live/instrument.ts). */
  readonly #statementOf = new Map<Handle, number>();
  /** The statement running now. */
  statement = -1;
  /** Holding the callbacks of the timers started into this set (a prepared version's), until release. */
  #held = false;
  /** Timeouts that came due while held: started again at release. */
  readonly #due = new Set<NodeJS.Timeout>();

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
    return this.#handles.size;
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

/** Starts recording timers into `owner` until the matching `endCapture`. */
export function beginCapture(owner: OwnedTimers): void {
  if (stack.length === 0) Object.assign(globalThis, wrapped);
  stack.push(owner);
}

/** Stops recording into `owner` (and into any capture left open inside it by a top level that threw). */
export function endCapture(owner: OwnedTimers): void {
  const index = stack.lastIndexOf(owner);
  if (index >= 0) stack.length = index;
  if (stack.length === 0) Object.assign(globalThis, originals);
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
