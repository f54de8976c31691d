/**
 * One global per hot module that every prologue of its functions reads first:
 * `if(__hp$k3x9>2&&__hotpatch$.v[7]>2)return __hotpatch$.call(7,…)`.
 *
 * Why a global: V8's optimizing compiler treats a global that was never written again as a
 * constant (and deoptimizes the code that relied on it if it ever is). Until a function of the
 * module gets a newer body, the cell holds 0, the whole prologue folds away, and a call of the
 * function inlined into a hot loop costs what a call of the uninstrumented function costs. The
 * array read alone could not fold: its forwarding call stayed in the optimized code, and with
 * it the caller's numbers boxed for a call that never happens (≈3 ns a call of doubles,
 * ≈1.5 ns of small integers, measured in test/bench/live.ts). After a load, the cell holds the
 * newest generation of any of the module's bodies: the prologues of that module read it and
 * then the slot's own entry, which stays exact (a collision of two modules' names only costs
 * them the folding, never a wrong call).
 *
 * The name depends on the file alone: the ES module hooks thread, which instruments an ES
 * module's first version, and the main thread, which runs it, agree on it without talking.
 */

/** The cell's name for the module at `file` (a valid identifier). */
export function guardCellName(file: string): string {
  // FNV-1a, 32 bits: short names, and a clash costs speed, not correctness (see above).
  let hash = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) {
    hash ^= file.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `__hp$${(hash >>> 0).toString(36)}`;
}

/**
 * The cell of the module at `file`, defined in this realm: before the module's code can read it
 * (an undeclared global would throw), non-enumerable so that `Object.keys(globalThis)` stays the app's.
 */
export function guardCellOf(file: string): string {
  const name = guardCellName(file);
  if (Object.hasOwn(globalThis, name)) return name;
  try {
    Object.defineProperty(globalThis, name, { value: 0, writable: true, configurable: true, enumerable: false });
    return name;
  } catch {
    // A frozen global object (SES's lockdown): prologues then always read their slot.
    return ALWAYS_CHECK;
  }
}

/** A cell expression greater than any generation. */
const ALWAYS_CHECK = '9e15';

/** After a body of `generation` was installed: prologues of the module's older versions look at their slot again. */
export function raiseGuardCell(name: string, generation: number): void {
  if (name === ALWAYS_CHECK) return;
  const cells = globalThis as unknown as Record<string, number>;
  if (!(cells[name]! >= generation)) cells[name] = generation;
}
