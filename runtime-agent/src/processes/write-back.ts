/**
 * Writing a codeChange's result into a state holder so that the running objects stay the
 * objects they were. The codeChange converts copies (its dry run and its commit run both
 * change nothing); at commit, each copy the result holds is written back into the object it
 * was copied from, and that object takes its place: `Object.assign(item, { notes: [] })` on a
 * copied order leaves the running order with its notes.
 *
 * Why not install the copies: what else refers to a running object (an index map, a pending
 * request, another module's variable, a closure such as the `publish` an event publisher set on
 * an aggregate, a bound method) would go on seeing the old one, and a copy has none of its
 * original's #private fields or other internal slots. Written back, the object keeps them and
 * gains the converted fields.
 *
 * An object the codeChange made itself is kept as it is, with the copies inside it written back
 * in turn. A copy that cannot be written back (its original frozen, a field read-only or an
 * accessor, its class changed by the codeChange) is installed as it is, as before.
 */
import { isPlainData, type Originals } from './copy-keeping-functions';

/** `value` with every copy in it replaced by its original, written with the copy's fields. */
export function writtenBack(value: unknown, originals: Originals): unknown {
  if (originals.size === 0) return value;
  const settled = new Map<object, unknown>();
  const settle = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (settled.has(node)) return settled.get(node);
    const original = originals.get(node);
    if (original && canWriteInto(original, node)) {
      settled.set(node, original); // first: a cycle through it settles to it
      try {
        writeInto(original, node, settle);
        return original;
      } catch {
        // Past the point of no return nothing may throw: the copy, which holds the result whole, goes in.
      }
    }
    settled.set(node, node);
    settleInside(node, settle);
    return node;
  };
  return settle(value);
}

type Settle = (node: unknown) => unknown;

/** Whether `copy`'s content can replace `original`'s without an error half way. */
function canWriteInto(original: object, copy: object): boolean {
  if (Object.getPrototypeOf(original) !== Object.getPrototypeOf(copy)) return false;
  if (Object.isFrozen(original)) return false;
  if (Array.isArray(original) || original instanceof Map || original instanceof Set) {
    return Array.isArray(original) === Array.isArray(copy) && Object.isExtensible(original);
  }
  if (original instanceof Date) return copy instanceof Date;
  if (!isPlainData(original)) return false; // bytes, a regexp, an error: the copy, whole
  for (const key of Object.keys(copy)) {
    const own = Object.getOwnPropertyDescriptor(original, key);
    if (own ? !('value' in own) || !own.writable : !Object.isExtensible(original)) return false;
  }
  for (const key of Object.keys(original)) {
    if (!Object.hasOwn(copy, key) && !Object.getOwnPropertyDescriptor(original, key)!.configurable) return false;
  }
  return true;
}

/** Gives `original` the content of `copy`, every copy inside it settled first. */
function writeInto(original: object, copy: object, settle: Settle): void {
  if (original instanceof Date) {
    original.setTime((copy as Date).getTime());
  } else if (!refill(original, copy, settle)) {
    const target = original as Record<string, unknown>;
    const source = copy as Record<string, unknown>;
    for (const key of Object.keys(original)) if (!Object.hasOwn(source, key)) delete target[key];
    for (const key of Object.keys(source)) {
      const value = settle(source[key]);
      if (Object.hasOwn(target, key)) target[key] = value;
      // A new field, defined as a class field is (an accessor of the prototype is not called).
      else Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
    }
  }
}

/** Settles the copies inside an object the codeChange made. */
function settleInside(node: object, settle: Settle): void {
  try {
    if (Array.isArray(node)) {
      // In place: holes stay holes, and a sealed array is settled too.
      for (let i = 0; i < node.length; i++) if (i in node) node[i] = settle(node[i]);
      return;
    }
    if (refill(node, node, settle)) return;
    const fields = node as Record<string, unknown>;
    for (const key of Object.keys(fields)) fields[key] = settle(fields[key]);
  } catch {
    // A frozen object the codeChange made: the copies in it stay copies, as before.
  }
}

/**
 * When `target` is an array, a map or a set: empties it and fills it with `source`'s items (a
 * collection of the same kind, or `target` itself), each settled before the target is emptied.
 * False for any other object.
 */
function refill(target: object, source: object, settle: Settle): boolean {
  if (Array.isArray(target)) {
    const items = (source as unknown[]).map(settle);
    target.length = 0;
    for (const item of items) target.push(item); // not push(...items): a long array is more arguments than a call takes
  } else if (target instanceof Map) {
    const entries = [...(source as Map<unknown, unknown>)].map(([key, value]) => [settle(key), settle(value)] as const);
    target.clear();
    for (const [key, value] of entries) target.set(key, value);
  } else if (target instanceof Set) {
    const items = [...(source as Set<unknown>)].map(settle);
    target.clear();
    for (const item of items) target.add(item);
  } else {
    return false;
  }
  return true;
}
