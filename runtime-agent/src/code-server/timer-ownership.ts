/**
 * Side effects owned by a version: the timers, intervals and immediates its top level starts.
 * While a version's top level runs, the global timer functions are wrapped so each handle is
 * recorded in that version's set; when the version is replaced they are all cleared, so
 * reloading a module with a top-level `setInterval` never leaves two intervals running.
 *
 * Top levels nest (a module requires another hot module while it evaluates), so captures
 * form a stack and each handle belongs to the innermost one. The globals are wrapped only
 * while the stack is non-empty: nothing costs anything between loads.
 */

type Handle = NodeJS.Timeout | NodeJS.Immediate;

export class OwnedTimers {
  readonly #handles = new Set<Handle>();
  /** The top-level statement that started each handle, for live modules (see live/instrument.ts). */
  readonly #statementOf = new Map<Handle, number>();
  /** The statement running now. */
  statement = -1;

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

function wrap<F extends (...args: never[]) => Handle>(original: F): F {
  const wrapped = function (this: unknown, ...args: Parameters<F>): Handle {
    const handle = Reflect.apply(original, this, args) as Handle;
    stack.at(-1)?.add(handle);
    return handle;
  };
  // Keep util.promisify(setTimeout) and friends working while wrapped.
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(original));
  return wrapped as unknown as F;
}

const wrapped = {
  setTimeout: wrap(originals.setTimeout),
  setInterval: wrap(originals.setInterval),
  setImmediate: wrap(originals.setImmediate),
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

/** Runs `evaluate` (a version's top level) and returns what it started, cleared again if it throws. */
export function captureTimers<T>(evaluate: () => T): { result: T; timers: OwnedTimers } {
  const timers = new OwnedTimers();
  beginCapture(timers);
  try {
    return { result: evaluate(), timers };
  } catch (error) {
    timers.clear();
    throw error;
  } finally {
    endCapture(timers);
  }
}
