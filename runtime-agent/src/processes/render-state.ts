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
    if (object instanceof Map) {
      return {
        $map: [...object.entries()]
          .slice(0, limits.entries)
          .map(([k, val], i) => [
            walk(k, `${path}.<key ${i}>`, depth + 1),
            walk(val, `${path}.<value ${i}>`, depth + 1),
          ]),
      };
    }
    if (object instanceof Set) {
      return { $set: [...object].slice(0, limits.entries).map((item, i) => walk(item, `${path}.<${i}>`, depth + 1)) };
    }
    if (Array.isArray(object))
      return object.slice(0, limits.entries).map((item, i) => walk(item, `${path}[${i}]`, depth + 1));
    const out: Record<string, Rendered> = {};
    const prototype = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
    if (prototype && prototype !== Object.prototype && prototype.constructor?.name)
      out.$class = prototype.constructor.name;
    for (const key of Object.keys(object).slice(0, limits.entries)) {
      out[key] = walk((object as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
    return out;
  };
  return walk(value, 'state', 0);
}
