/**
 * Trampolines: the functions importers hold in place of an exported function, each forwarding
 * its calls to the current version's function through a link that every load refreshes.
 */

import { types } from 'node:util';

const { isModuleNamespaceObject } = types;

/** Marks a trampoline; never copied from a module's exports onto a face (see copySymbols). */
export const TRAMPOLINE = Symbol('hotpatch.trampoline');

/** Reads the current version's value of an export; `undefined` when it no longer exists. */
export type CurrentExport = () => unknown;

type Trampoline = ((...args: unknown[]) => unknown) & { [TRAMPOLINE]: true };

export function isTrampoline(value: unknown): value is Trampoline {
  return typeof value === 'function' && (value as Partial<Trampoline>)[TRAMPOLINE] === true;
}

/**
 * Where a trampoline finds the function it calls. V8 inlines a call through a trampoline (and
 * the function it reaches) only when it can treat that function as a constant: `target` is a
 * field written once, which its optimizing compiler folds into the calling code, and deoptimizes
 * that code if the field is ever written with another value. Each link gets a hidden class of
 * its own (through a prototype of its own), so one export given another function leaves every
 * other trampoline constant; a load that keeps the function (a live module's, whose functions
 * forward to their newest bodies themselves) writes nothing. Measured in test/bench/live.ts.
 */
interface Link {
  /** The current version's value of the export, set when the trampoline is made and at each load. */
  target: unknown;
  /**
   * Whether the value is read at every call instead: an export read through a getter or an ES
   * module namespace is a live binding, which the module's own code may assign at any time.
   */
  follows: boolean;
}

/** A trampoline's link with what refreshes it at each load: what `current` reads, `key` names. */
interface LinkEntry {
  link: WeakRef<Link>;
  key: string | null;
  current: CurrentExport;
}

/** The links of every trampoline made for a face, by face: refreshed when the face is updated. */
const linksByFace = new WeakMap<object, LinkEntry[]>();

function newLink(target: unknown, follows: boolean): Link {
  const link = Object.create({}) as Link;
  link.target = target;
  link.follows = follows;
  return link;
}

/** Whether `raw[key]` is a live binding (see Link.follows). */
function readsLiveBinding(raw: unknown, key: string | null): boolean {
  if (key === null || raw === null || (typeof raw !== 'object' && typeof raw !== 'function')) return false;
  if (isModuleNamespaceObject(raw)) return true;
  const descriptor = Object.getOwnPropertyDescriptor(raw, key);
  return descriptor !== undefined && !('value' in descriptor);
}

/** Writes a link's fields only when they change, so what V8 folded stays folded. */
function relink(link: Link, target: unknown, follows: boolean): void {
  if (link.target !== target) link.target = target;
  if (link.follows !== follows) link.follows = follows;
}

/**
 * A function with the original's name and arity that forwards every call (and `new`) to the
 * current version's function. `raw` is the exports object the value was read from (for
 * `follows`); `face` the stable object whose updates refresh it.
 */
export function makeTrampoline(
  name: string,
  original: Function,
  current: CurrentExport,
  raw?: unknown,
  key: string | null = name,
  face?: object,
): Trampoline {
  const link = newLink(original, readsLiveBinding(raw, key));
  const trampoline = function (this: unknown, ...args: unknown[]): unknown {
    // Both fields are constants to the optimizing compiler (see Link): for an export that
    // does not follow, this reduces to a direct call of the function, which it can inline.
    if (link.follows && current() !== link.target) relink(link, current(), true);
    const target = link.target;
    if (typeof target !== 'function') {
      throw new TypeError(`hotpatch: '${name}' is no longer a function in the current version of its module`);
    }
    return new.target
      ? Reflect.construct(target, args, new.target)
      : Reflect.apply(target as (...a: unknown[]) => unknown, this, args);
  } as Trampoline;
  // `new` through it makes what `new` of the function made: an instance of its prototype.
  if (original.prototype !== undefined) trampoline.prototype = original.prototype as object;
  Object.defineProperty(trampoline, 'name', { value: original.name || name });
  Object.defineProperty(trampoline, 'length', { value: original.length });
  Object.defineProperty(trampoline, TRAMPOLINE, { value: true });
  const owner = face ?? trampoline;
  let entries = linksByFace.get(owner);
  if (!entries) linksByFace.set(owner, (entries = []));
  entries.push({ link: new WeakRef(link), key, current });
  return trampoline;
}

/**
 * After a load: every trampoline made for `face` (those the face no longer holds too, which
 * someone may have kept) calls what the current version exports now, `raw`.
 */
export function refreshLinks(face: object, raw: unknown): void {
  const entries = linksByFace.get(face);
  if (!entries) return;
  let kept = 0;
  for (const entry of entries) {
    const link = entry.link.deref();
    if (!link) continue; // its trampoline is gone
    relink(link, entry.current(), readsLiveBinding(raw, entry.key));
    entries[kept++] = entry;
  }
  entries.length = kept;
}
