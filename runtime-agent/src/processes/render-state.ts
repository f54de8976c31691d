/**
 * A JSON-safe picture of a process's state for editors: Map, Set, Date, bigint, undefined,
 * functions, class instances and cycles all become plain JSON that says what they were.
 */

export type Rendered = null | boolean | number | string | Rendered[] | { [key: string]: Rendered };

export function renderState(value: unknown, limits = { depth: 12, entries: 1000 }): Rendered {
  const seen = new Map<object, string>();
  const walk = (v: unknown, path: string, depth: number): Rendered => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) ? v : { $number: String(v) };
      case 'bigint':
        return { $bigint: v.toString() };
      case 'undefined':
        return { $undefined: true };
      case 'symbol':
        return { $symbol: v.description ?? '' };
      case 'function':
        return { $function: v.name || '(anonymous)' };
    }
    if (v === null) return null;
    const object = v as object;
    const earlier = seen.get(object);
    if (earlier !== undefined) return { $ref: earlier };
    if (depth >= limits.depth) return { $truncated: 'depth' };
    seen.set(object, path);
    if (object instanceof Date)
      return { $date: Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString() };
    // Past `limits.entries` the rest is left out, and `$omitted` says how many: a silently
    // shortened collection would show the editor a wrong size.
    if (object instanceof Map) {
      const out: Record<string, Rendered> = {
        $map: [...object.entries()]
          .slice(0, limits.entries)
          .map(([k, val], i) => [
            walk(k, `${path}.<key ${i}>`, depth + 1),
            walk(val, `${path}.<value ${i}>`, depth + 1),
          ]),
      };
      if (object.size > limits.entries) out.$omitted = object.size - limits.entries;
      return out;
    }
    if (object instanceof Set) {
      const out: Record<string, Rendered> = {
        $set: [...object].slice(0, limits.entries).map((item, i) => walk(item, `${path}.<${i}>`, depth + 1)),
      };
      if (object.size > limits.entries) out.$omitted = object.size - limits.entries;
      return out;
    }
    if (Array.isArray(object)) {
      // Array.from, not map: map skips holes, which JSON would then turn into null.
      const items = Array.from({ length: Math.min(object.length, limits.entries) }, (_, i) =>
        walk(object[i], `${path}[${i}]`, depth + 1),
      );
      if (object.length > limits.entries) items.push({ $omitted: object.length - limits.entries });
      return items;
    }
    const out: Record<string, Rendered> = {};
    const prototype = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
    if (prototype && prototype !== Object.prototype && prototype.constructor?.name)
      out.$class = prototype.constructor.name;
    const keys = Object.keys(object);
    for (const key of keys.slice(0, limits.entries)) {
      out[key] = walk((object as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
    if (keys.length > limits.entries) out.$omitted = keys.length - limits.entries;
    return out;
  };
  return walk(value, 'state', 0);
}
