/**
 * Shapes written as TypeScript types. One printer serves three readers: the canonical form
 * (sorted, so equal structures print equal), the diff lines, and the old state type inlined
 * into a codeChange stub (multi-line, in declaration order).
 */
import { createHash } from 'node:crypto';
import type { StateShape } from 'hotpatch-agent/protocol';

export interface PrintOptions {
  /** Sort object keys and union options (and drop duplicate options): the canonical form. */
  sort?: boolean;
  /** Write objects one property a line with this indentation unit; single line when absent. */
  indent?: string;
}

/** The shape as a TypeScript type, e.g. `{ count: number; history?: string[] }`. */
export function printShape(shape: StateShape, options: PrintOptions = {}): string {
  return print(shape, options, '');
}

/** Stable text for a structure: equal strings mean the same state type. */
export function canonicalShape(shape: StateShape): string {
  return printShape(shape, { sort: true });
}

/** A short hash of a canonical form, for caches and logs. */
export function shapeHash(canonical: string): string {
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** A property name as written in a type or an object literal: quoted unless an identifier. */
export function propertyName(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : quote(key);
}

/** A single-quoted string literal (the project's style), escaped like JSON. */
export function quote(text: string): string {
  return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

export function printLiteral(value: string | number | boolean): string {
  return typeof value === 'string' ? quote(value) : String(value);
}

function print(shape: StateShape, options: PrintOptions, margin: string): string {
  switch (shape.type) {
    case 'date':
      return 'Date';
    case 'literal':
      return printLiteral(shape.value);
    case 'array':
      return `${element(shape.element, options, margin)}[]`;
    case 'set':
      return `Set<${print(shape.element, options, margin)}>`;
    case 'map':
      return `Map<${print(shape.key, options, margin)}, ${print(shape.value, options, margin)}>`;
    case 'tuple':
      return `[${shape.elements.map((e) => print(e, options, margin)).join(', ')}]`;
    case 'union': {
      const options_ = shape.options.map((o) => print(o, options, margin));
      return (options.sort ? [...new Set(options_)].sort() : options_).join(' | ');
    }
    case 'object':
      return printObject(shape, options, margin);
    default:
      return shape.type;
  }
}

/** An array's element type, parenthesized where `[]` would otherwise bind to its last part. */
function element(shape: StateShape, options: PrintOptions, margin: string): string {
  const text = print(shape, options, margin);
  return shape.type === 'union' ? `(${text})` : text;
}

function printObject(shape: Extract<StateShape, { type: 'object' }>, options: PrintOptions, margin: string): string {
  const inner = options.indent === undefined ? '' : margin + options.indent;
  const keys = Object.keys(shape.properties);
  if (options.sort) keys.sort();
  const members = keys.map((key) => {
    const property = shape.properties[key]!;
    return `${propertyName(key)}${property.optional ? '?' : ''}: ${print(property.shape, options, inner)}`;
  });
  if (shape.index) members.push(`[key: string]: ${print(shape.index, options, inner)}`);
  if (members.length === 0) return '{}';
  if (options.indent === undefined) return `{ ${members.join('; ')} }`;
  return `{\n${members.map((m) => `${inner}${m};\n`).join('')}${margin}}`;
}
