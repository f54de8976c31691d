/**
 * The copy of a state holder's value that structuredClone could not make because the value
 * holds functions: an aggregate given a `publish` by @nestjs/cqrs's EventPublisher, an object
 * with a bound method or a callback. Data is copied as structuredClone copies it (an object's
 * own enumerable string keys, arrays, maps, sets, dates), each object with its original's
 * prototype; a function or a symbol is the same value in the copy, not a copy.
 *
 * Sharing is safe here because the copy is never installed as it is: when the codeChange's
 * result is written, each copy in it is written back into the object it was made from
 * (write-back.ts), so a function set on an object stays with the object it was made for. That
 * needs the copies' originals, which this records in `originals`.
 *
 * What has no data to copy but only a handle (a WeakMap, a Promise, a WeakRef, a Proxy) is
 * shared too; objects of other internal kinds (typed arrays, errors, boxed primitives) are
 * copied by structuredClone.
 */
import { types } from 'node:util';

/** Each copy's original, as write-back.ts needs them. */
export type Originals = Map<object, object>;

export function copyKeepingFunctions(state: unknown, originals: Originals): unknown {
  const copies = new Map<object, object>();
  const copy = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value; // primitives, functions, symbols
    const known = copies.get(value);
    if (known) return known;
    if (isHandle(value)) return value;
    const made = shell(value);
    copies.set(value, made);
    originals.set(made, value);
    if (Array.isArray(value)) {
      const target = made as unknown[];
      for (let i = 0; i < value.length; i++) target[i] = copy(value[i]);
    } else if (value instanceof Map) {
      for (const [key, entry] of value) (made as Map<unknown, unknown>).set(copy(key), copy(entry));
    } else if (value instanceof Set) {
      for (const entry of value) (made as Set<unknown>).add(copy(entry));
    } else if (isPlainData(value)) {
      const target = made as Record<string, unknown>;
      for (const key of Object.keys(value)) target[key] = copy((value as Record<string, unknown>)[key]);
    }
    return made;
  };
  return copy(state);
}

/** An object whose only content is a handle on something else: the same object in the copy. */
function isHandle(value: object): boolean {
  return (
    types.isWeakMap(value) ||
    types.isWeakSet(value) ||
    types.isPromise(value) ||
    types.isProxy(value) ||
    value instanceof WeakRef
  );
}

/** Whether `value` is an object of fields (not one of JavaScript's own kinds holding data in internal slots). */
export function isPlainData(value: object): boolean {
  return !(
    types.isDate(value) ||
    types.isRegExp(value) ||
    types.isAnyArrayBuffer(value) ||
    ArrayBuffer.isView(value) ||
    types.isNativeError(value) ||
    types.isBoxedPrimitive(value)
  );
}

/** An empty object of `value`'s kind and prototype; a date, a regexp, bytes or an error copied whole. */
function shell(value: object): object {
  const prototype = Object.getPrototypeOf(value) as object | null;
  let made: object;
  if (Array.isArray(value)) made = new Array<unknown>(value.length);
  else if (value instanceof Map) made = new Map();
  else if (value instanceof Set) made = new Set();
  else if (!isPlainData(value)) made = structuredClone(value);
  else return Object.create(prototype) as object;
  if (Object.getPrototypeOf(made) !== prototype) Object.setPrototypeOf(made, prototype);
  return made;
}
