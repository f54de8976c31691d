/**
 * Where a server's state that cannot be copied for its codeChange holds what stops the copy,
 * said as a path the user can find in their code: `state.orders.get("o1").publish is a
 * function`. structuredClone names only the value (for a function, its whole source) and not
 * where it sits, which left the user to guess which of their objects, and which field. (A
 * state holder's copy keeps its functions instead: copy-keeping-functions.ts.)
 *
 * The walk follows what structuredClone copies, in its order: an object's own enumerable string
 * keys, an array's elements, a Map's keys and values, a Set's values. It stops at the first
 * function or symbol; a state whose copy failed on something else (a WeakMap, a Promise, an
 * object of Node's own made in C++) gets no path, and the caller says structuredClone's reason.
 */

/** What stops a copy, and where: `orders.get("o1").publish`, a function. */
export interface Uncopyable {
  path: string;
  /** Said after "is": `a function (onTick)`, `a symbol (Symbol(id))`. */
  what: string;
}

/** The first function or symbol in `state`, its path from `root`; undefined if none. */
export function findUncopyable(state: unknown, root: string): Uncopyable | undefined {
  const seen = new Set<object>();
  const queue: Array<{ value: unknown; path: string; depth: number }> = [{ value: state, path: root, depth: 0 }];
  // Breadth first: the shortest path, so the first order of a map is named, not the tenth.
  for (let i = 0; i < queue.length; i++) {
    const { value, path, depth } = queue[i]!;
    const found = uncopyableAt(value, path);
    if (found) return found;
    if (value === null || typeof value !== 'object' || seen.has(value) || depth >= MAX_DEPTH) continue;
    seen.add(value);
    for (const child of childrenOf(value, path)) queue.push({ ...child, depth: depth + 1 });
    if (queue.length > MAX_VALUES) return undefined; // a state this large is named by structuredClone's reason
  }
  return undefined;
}

/** How deep and how many values the walk looks at: it runs once, on a refusal, within the load's time. */
const MAX_DEPTH = 32;
const MAX_VALUES = 100_000;

function uncopyableAt(value: unknown, path: string): Uncopyable | undefined {
  if (typeof value === 'symbol') return { path, what: `a symbol (${String(value)})` };
  if (typeof value !== 'function') return undefined;
  const name = (value as { name?: unknown }).name;
  return {
    path,
    what: typeof name === 'string' && name !== '' ? `a function (${name})` : 'a function',
  };
}

function childrenOf(value: object, path: string): Array<{ value: unknown; path: string }> {
  if (value instanceof Map) {
    const children: Array<{ value: unknown; path: string }> = [];
    for (const [key, entry] of value) {
      children.push({ value: key, path: `${path} (a key)` });
      children.push({ value: entry, path: `${path}.get(${keyText(key)})` });
    }
    return children;
  }
  if (value instanceof Set) return [...value].map((entry, i) => ({ value: entry, path: `[...${path}][${i}]` }));
  if (Array.isArray(value)) return value.map((entry, i) => ({ value: entry, path: `${path}[${i}]` }));
  return Object.keys(value).map((key) => ({ value: readQuietly(value, key), path: memberPath(path, key) }));
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `path.key`, or `path["key"]` for a key that is no identifier. */
export function memberPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** A map's key as it reads in `.get(…)`. */
export function keyText(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') return String(key);
  return `<${key === null ? 'null' : typeof key}>`;
}

/** A property's value; a getter that throws reads as nothing (structuredClone would have thrown its error first). */
function readQuietly(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}
