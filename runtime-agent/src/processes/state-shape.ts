/**
 * Runtime shapes of server states. The language server derives one from the `State` type and
 * sends it with an upgrade; every migrated state is checked against it before the point of
 * no return, so a `codeChange` that returns the wrong shape aborts the upgrade.
 */
import type { StateShape } from '../protocol';

/** Why `value` does not fit `shape` (first mismatch, with its path), or undefined when it fits. */
export function checkShape(value: unknown, shape: StateShape, path = 'state'): string | undefined {
  const found = (): string => describeValue(value);
  switch (shape.type) {
    case 'unknown':
      return undefined;
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return typeof value === shape.type ? undefined : `${path}: expected ${shape.type}, found ${found()}`;
    case 'null':
      return value === null ? undefined : `${path}: expected null, found ${found()}`;
    case 'literal':
      return value === shape.value ? undefined : `${path}: expected ${JSON.stringify(shape.value)}, found ${found()}`;
    case 'date':
      return value instanceof Date ? undefined : `${path}: expected Date, found ${found()}`;
    case 'array':
      if (!Array.isArray(value)) return `${path}: expected an array, found ${found()}`;
      for (let i = 0; i < value.length; i++) {
        const problem = checkShape(value[i], shape.element, `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    case 'tuple':
      if (!Array.isArray(value) || value.length !== shape.elements.length) {
        return `${path}: expected a tuple of ${shape.elements.length}, found ${found()}`;
      }
      for (let i = 0; i < shape.elements.length; i++) {
        const problem = checkShape(value[i], shape.elements[i]!, `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    case 'set':
      if (!(value instanceof Set)) return `${path}: expected a Set, found ${found()}`;
      for (const item of value) {
        const problem = checkShape(item, shape.element, `${path}.<item>`);
        if (problem) return problem;
      }
      return undefined;
    case 'map':
      if (!(value instanceof Map)) return `${path}: expected a Map, found ${found()}`;
      for (const [k, v] of value) {
        const problem =
          checkShape(k, shape.key, `${path}.<key>`) ?? checkShape(v, shape.value, `${path}.get(${keyLabel(k)})`);
        if (problem) return problem;
      }
      return undefined;
    case 'union': {
      const problems = shape.options.map((option) => checkShape(value, option, path));
      return problems.includes(undefined) ? undefined : (problems[0] ?? `${path}: matches no option`);
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return `${path}: expected an object, found ${found()}`;
      }
      const record = value as Record<string, unknown>;
      for (const [key, property] of Object.entries(shape.properties)) {
        if (!(key in record)) {
          if (property.optional) continue;
          return `${path}.${key}: missing`;
        }
        if (property.optional && record[key] === undefined) continue;
        const problem = checkShape(record[key], property.shape, `${path}.${key}`);
        if (problem) return problem;
      }
      if (shape.index) {
        for (const key of Object.keys(record)) {
          // Own keys only: `in` would also skip state keys named like Object.prototype's
          // members ('constructor', 'toString', ...), leaving them unchecked.
          if (Object.hasOwn(shape.properties, key)) continue;
          const problem = checkShape(record[key], shape.index, `${path}.${key}`);
          if (problem) return problem;
        }
      }
      return undefined;
    }
  }
}

/** A Map key for a path. (String(k) throws for null-prototype objects: that must not abort the check.) */
function keyLabel(key: unknown): string {
  try {
    return String(key);
  } catch {
    return describeValue(key);
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  // Not `${typeof value} ${String(value)}`: that reads 'undefined undefined', and for a
  // function it would paste its whole source into the message.
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Map) return 'a Map';
  if (value instanceof Set) return 'a Set';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
