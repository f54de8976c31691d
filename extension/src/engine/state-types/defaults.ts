/**
 * Values a codeChange stub can write without asking: a default for a new field of a given
 * shape, and whether an old field's values are already valid for its new type.
 */
import type { StateShape } from 'hotpatch-agent/protocol';
import { canonicalShape, printLiteral, propertyName } from './print-shape';

/** Source text of a value of the shape's type, or undefined when none is obvious. */
export function defaultValue(shape: StateShape): string | undefined {
  switch (shape.type) {
    case 'string':
      return "''";
    case 'number':
      return '0';
    case 'boolean':
      return 'false';
    case 'bigint':
      return '0n';
    case 'null':
      return 'null';
    case 'undefined':
      return 'undefined';
    case 'date':
      // A fixed instant rather than the time of the upgrade: visibly a placeholder.
      return 'new Date(0)';
    case 'literal':
      return printLiteral(shape.value);
    case 'array':
      return '[]';
    case 'set':
      return 'new Set()';
    case 'map':
      return 'new Map()';
    case 'tuple': {
      const elements = shape.elements.map(defaultValue);
      return elements.every((e) => e !== undefined) ? `[${elements.join(', ')}]` : undefined;
    }
    case 'union': {
      // Nullable: nothing yet. Else the first literal as written ('idle' of 'idle' | 'busy').
      if (shape.options.some((o) => o.type === 'null')) return 'null';
      if (shape.options.some((o) => o.type === 'undefined')) return 'undefined';
      const literal = shape.options.find((o) => o.type === 'literal');
      if (literal) return defaultValue(literal);
      return shape.options.map(defaultValue).find((d) => d !== undefined);
    }
    case 'object': {
      // Optional properties are left out; one required property without a default, no default.
      const members: string[] = [];
      for (const [key, property] of Object.entries(shape.properties)) {
        if (property.optional) continue;
        const value = defaultValue(property.shape);
        if (value === undefined) return undefined;
        members.push(`${propertyName(key)}: ${value}`);
      }
      return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
    }
    case 'unknown':
      return undefined;
  }
}

/**
 * Every value of `old` is a value of `next` (`'a'` → `'a' | 'b'`, `number` → `number | null`,
 * `string[]` → `(string | number)[]`), so the old value can be kept as it is. Conservative:
 * `unknown` on either side says no, since the real type behind it is not known.
 */
export function fits(old: StateShape, next: StateShape): boolean {
  if (old.type === 'unknown' || next.type === 'unknown') return false;
  if (canonicalShape(old) === canonicalShape(next)) return !hasUnknown(old);
  if (old.type === 'union') return old.options.every((o) => fits(o, next));
  if (next.type === 'union') return next.options.some((n) => fits(old, n));
  switch (old.type) {
    case 'literal':
      return next.type === typeof old.value;
    case 'array':
    case 'set':
      return next.type === old.type && fits(old.element, next.element);
    case 'map':
      return next.type === 'map' && fits(old.key, next.key) && fits(old.value, next.value);
    case 'tuple':
      return (
        next.type === 'tuple' &&
        next.elements.length === old.elements.length &&
        old.elements.every((e, i) => fits(e, next.elements[i]!))
      );
    case 'object': {
      if (next.type !== 'object') return false;
      if (next.index && !(old.index && fits(old.index, next.index))) return false;
      return Object.entries(next.properties).every(([key, property]) => {
        const before = old.properties[key];
        if (!before) return !!property.optional;
        return (property.optional || !before.optional) && fits(before.shape, property.shape);
      });
    }
    default:
      return false;
  }
}

/** Some part of the shape is `unknown` (a function, a symbol...): its printed type says less. */
export function hasUnknown(shape: StateShape): boolean {
  switch (shape.type) {
    case 'unknown':
      return true;
    case 'array':
    case 'set':
      return hasUnknown(shape.element);
    case 'map':
      return hasUnknown(shape.key) || hasUnknown(shape.value);
    case 'tuple':
      return shape.elements.some(hasUnknown);
    case 'union':
      return shape.options.some(hasUnknown);
    case 'object':
      return (
        Object.values(shape.properties).some((p) => hasUnknown(p.shape)) || (!!shape.index && hasUnknown(shape.index))
      );
    default:
      return false;
  }
}
