/**
 * A JSON-safe picture of a process's state for editors: Map, Set, Date, bigint, undefined,
 * functions, class instances and cycles all become plain JSON that says what they were.
 *
 * Bounded, since it travels in one message whose size clients limit (64 MiB) and a state can be
 * larger: at most `depth` levels and `entries` items per collection, and about `bytes` of JSON
 * in all. Past that, what is left out says so: `$omitted` (how many items), `$truncated` (why),
 * and a long string becomes `{ $string: its start, $length: its full length }`.
 */

import type { UpgradePlan } from '../protocol';

export type Rendered = null | boolean | number | string | Rendered[] | { [key: string]: Rendered };

export interface RenderLimits {
  depth: number;
  entries: number;
  /** About how much JSON the whole picture may take, in bytes (default: no limit). */
  bytes?: number;
}

/** Each preview in an upgrade plan (before and after, 20 processes by default): 256 KiB. */
export const PREVIEW_LIMITS: RenderLimits = { depth: 12, entries: 1000, bytes: 256 * 1024 };
/** A process's state asked for (agent/getState): 16 MiB. */
export const STATE_LIMITS: RenderLimits = { depth: 12, entries: 1000, bytes: 16 * 1024 * 1024 };

/** The start a long string keeps when it does not fit whole. */
const STRING_START = 1024;

export function renderState(value: unknown, limits: RenderLimits = { depth: 12, entries: 1000 }): Rendered {
  return renderWithin(value, limits).value;
}

/** renderState, and whether anything was left out for the size budget. */
export function renderWithin(value: unknown, limits: RenderLimits): { value: Rendered; truncated: boolean } {
  const seen = new Map<object, string>();
  // What is left of the byte budget; every value written costs about its JSON length.
  let left = limits.bytes ?? Infinity;
  let truncated = false;
  const full = (): boolean => {
    if (left > 0) return false;
    truncated = true;
    return true;
  };
  const walk = (v: unknown, path: string, depth: number): Rendered => {
    if (full()) return { $truncated: 'size' };
    left -= 8; // the value's own punctuation, a number, a key's quotes: roughly
    switch (typeof v) {
      case 'string':
        if (v.length <= left) {
          left -= v.length;
          return v;
        }
        truncated = true;
        left -= STRING_START;
        return { $string: v.slice(0, STRING_START), $length: v.length };
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
      const $map = items(object, (entry, i) => [
        walk(entry[0], `${path}.<key ${i}>`, depth + 1),
        walk(entry[1], `${path}.<value ${i}>`, depth + 1),
      ]);
      return omit({ $map }, object.size, $map.length);
    }
    if (object instanceof Set) {
      const $set = items(object, (item, i) => walk(item, `${path}.<${i}>`, depth + 1));
      return omit({ $set }, object.size, $set.length);
    }
    if (Array.isArray(object)) {
      // Not map: map skips holes, which JSON would then turn into null.
      const items: Rendered[] = [];
      for (let i = 0; i < Math.min(object.length, limits.entries) && !full(); i++) {
        items.push(walk(object[i], `${path}[${i}]`, depth + 1));
      }
      if (object.length > items.length) items.push({ $omitted: object.length - items.length });
      return items;
    }
    const out: Record<string, Rendered> = {};
    const prototype = Object.getPrototypeOf(object) as { constructor?: { name?: string } } | null;
    if (prototype && prototype !== Object.prototype && prototype.constructor?.name)
      out.$class = prototype.constructor.name;
    const keys = Object.keys(object);
    let written = 0;
    for (const key of keys.slice(0, limits.entries)) {
      if (full()) break;
      left -= key.length;
      out[key] = walk((object as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
      written++;
    }
    return omit(out, keys.length, written);
  };
  /** The first items of a collection rendered, up to `entries` and while the budget lasts. */
  const items = <T>(collection: Iterable<T>, render: (item: T, i: number) => Rendered): Rendered[] => {
    const out: Rendered[] = [];
    for (const item of collection) {
      if (out.length >= limits.entries || full()) break;
      out.push(render(item, out.length));
    }
    return out;
  };
  const omit = (out: Record<string, Rendered>, size: number, written: number): Record<string, Rendered> => {
    if (size > written) out.$omitted = size - written;
    return out;
  };
  const rendered = walk(value, 'state', 0);
  return { value: rendered, truncated };
}

/** One process's before/after preview of an upgrade plan, each within PREVIEW_LIMITS. */
export function preview(process: string, file: string, before: unknown, after: unknown): UpgradePlan['previews'][0] {
  const old = renderWithin(before, PREVIEW_LIMITS);
  const next = renderWithin(after, PREVIEW_LIMITS);
  return {
    process,
    file,
    before: old.value,
    after: next.value,
    ...(old.truncated || next.truncated ? { truncated: true } : {}),
  };
}
