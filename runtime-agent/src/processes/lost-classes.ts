/**
 * A codeChange result that turned the running state's class instances into plain objects:
 * `{ ...order, notes: [] }` for an Order held in a map. Its shape checks (state-shape.ts checks
 * data, not classes), and the load would commit, and the first call of one of its methods (the
 * route that lists the orders) would then throw: a ✓ for code that does not run. So the result
 * is compared with the running value where both have a value at the same place (the same key
 * of an object or a map, the same index of an array), and a plain object where an instance was
 * refuses the upgrade, naming where and the class.
 */
import { keyText, memberPath } from './uncopyable';

/** Where `result` holds a plain object in place of one of `running`'s class instances; undefined if nowhere. */
export function lostClass(running: unknown, result: unknown, root: string): string | undefined {
  const seen = new Set<object>();
  const queue: Array<{ running: unknown; result: unknown; path: string }> = [{ running, result, path: root }];
  for (let i = 0; i < queue.length && i < MAX_VALUES; i++) {
    const { running: was, result: now, path } = queue[i]!;
    if (!isObject(was) || !isObject(now) || seen.has(now)) continue;
    seen.add(now);
    const className = appClassOf(was);
    if (className && Object.getPrototypeOf(now) === Object.prototype) {
      return `${path} as a plain object where the running state holds an instance of ${className}: its methods would be gone`;
    }
    for (const pair of pairs(was, now, path)) queue.push(pair); // not push(...): a large map is more arguments than a call takes
  }
  return undefined;
}

/** How many values the walk compares: it runs at prepare, in the load's time. */
const MAX_VALUES = 100_000;

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

/** The name of the class `value` is an instance of, when it is one of the app's (not a plain object, nor one of JavaScript's own). */
function appClassOf(value: object): string | undefined {
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype === null || prototype === Object.prototype) return undefined;
  if (Array.isArray(value) || value instanceof Map || value instanceof Set || value instanceof Date) return undefined;
  const constructor = (prototype as { constructor?: unknown }).constructor;
  const name = typeof constructor === 'function' ? constructor.name : '';
  return name || 'a class';
}

/** The values at the same places of both: object keys, array indexes, map keys. */
function pairs(was: object, now: object, path: string): Array<{ running: unknown; result: unknown; path: string }> {
  if (was instanceof Map && now instanceof Map) {
    return [...now].flatMap(([key, value]) =>
      was.has(key) ? [{ running: was.get(key), result: value, path: `${path}.get(${keyText(key)})` }] : [],
    );
  }
  if (Array.isArray(was) && Array.isArray(now)) {
    return now
      .slice(0, was.length)
      .map((value, index) => ({ running: was[index], result: value, path: `${path}[${index}]` }));
  }
  if (was instanceof Map || was instanceof Set || now instanceof Map || now instanceof Set) return [];
  return Object.keys(now).flatMap((key) => {
    // The running value's own data, read without running a getter of the app's.
    const running = Object.getOwnPropertyDescriptor(was, key);
    return running && 'value' in running
      ? [
          {
            running: running.value as unknown,
            result: (now as Record<string, unknown>)[key],
            path: memberPath(path, key),
          },
        ]
      : [];
  });
}
