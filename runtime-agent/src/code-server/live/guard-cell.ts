/**
 * A global that every prologue of a hot module's functions reads first:
 * `if(__hp$k3x9>2&&__hotpatch$.v[7]>2)return __hotpatch$.call(7,…)`.
 *
 * Why a global: V8's optimizing compiler treats a global that was never written again as a
 * constant (and deoptimizes the code that relied on it if it ever is). Until a function of the
 * module gets a newer body, the cell holds 0, the whole prologue folds away, and a call of the
 * function inlined into a hot loop costs what a call of the uninstrumented function costs. The
 * array read alone could not fold: its forwarding call stayed in the optimized code, and with
 * it the caller's numbers boxed for a call that never happens (≈3 ns a call of doubles,
 * ≈1.5 ns of small integers, measured in test/bench/live.ts). After a load, the cell holds the
 * newest generation of any body of its modules: their prologues read it and then the slot's
 * own entry, which stays exact (modules that share a cell only cost each other the folding,
 * never a wrong call).
 *
 * The name depends on the file alone: the ES module hooks thread, which instruments an ES
 * module's first version, and the main thread, which runs it, agree on it without talking.
 *
 * The modules share CELLS cells, by a hash of their file: each cell is defined once, as its
 * first module loads (a definition on the global object cost ≈2–4 µs, 5–8 ms of the start of an
 * app of 2,000 modules when each module had its own, issue 13), and a load costs the folding of
 * the prologues of the modules that share its module's cell, one in CELLS of the app's.
 */

/** How many guard cells the modules of an app share (a power of two). */
const CELLS = 256;

/** How many of a file's last characters name its cell: what tells an app's modules apart. */
const HASHED_CHARACTERS = 48;

/** The cell's name for the module at `file` (a valid identifier). */
export function guardCellName(file: string): string {
  // FNV-1a: a clash costs speed, not correctness (see above).
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, file.length - HASHED_CHARACTERS); i < file.length; i++) {
    hash ^= file.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return `__hp$${((hash >>> 0) & (CELLS - 1)).toString(36)}`;
}

/** What prologues read for each cell this realm has defined, by name, and for each module seen, by file. */
const defined = new Map<string, string>();
const cellOfFile = new Map<string, string>();

/**
 * The cell of the module at `file`, defined in this realm: before the module's code can read it
 * (an undeclared global would throw), non-enumerable so that `Object.keys(globalThis)` stays the app's.
 */
export function guardCellOf(file: string): string {
  let cell = cellOfFile.get(file);
  if (cell !== undefined) return cell;
  const name = guardCellName(file);
  cell = defined.get(name);
  if (cell === undefined) defined.set(name, (cell = defineCell(name)));
  cellOfFile.set(file, cell);
  return cell;
}

function defineCell(name: string): string {
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
