/**
 * What changed between two state shapes, as lines a person reads in a diagnostic:
 * `+ history: number[]`, `- legacy: string`, `~ count: string → number`, with nested objects
 * followed down (`~ settings.theme: string → 'dark' | 'light'`).
 */
import type { StateShape } from 'hotpatch-agent/protocol';
import { canonicalShape, printShape, propertyName } from './print-shape';

type ObjectShape = Extract<StateShape, { type: 'object' }>;
type Property = ObjectShape['properties'][string];

/** Empty when the shapes are the same structure. */
export function diffShapes(oldShape: StateShape, newShape: StateShape): string[] {
  const lines: string[] = [];
  diff(oldShape, newShape, '', lines);
  return lines;
}

function diff(old: StateShape, next: StateShape, path: string, lines: string[]): void {
  if (canonicalShape(old) === canonicalShape(next)) return;
  if (old.type !== 'object' || next.type !== 'object') {
    lines.push(`~ ${path || 'state'}: ${printShape(old)} → ${printShape(next)}`);
    return;
  }
  for (const [key, property] of Object.entries(next.properties)) {
    const before = old.properties[key];
    const at = join(path, key);
    if (before) diffProperty(before, property, at, lines);
    else lines.push(`+ ${at}${property.optional ? '?' : ''}: ${printShape(property.shape)}`);
  }
  for (const [key, property] of Object.entries(old.properties)) {
    if (key in next.properties) continue;
    lines.push(`- ${join(path, key)}${property.optional ? '?' : ''}: ${printShape(property.shape)}`);
  }
  const at = `${path}[key]`;
  if (old.index && next.index) diff(old.index, next.index, at, lines);
  else if (next.index) lines.push(`+ ${at}: ${printShape(next.index)}`);
  else if (old.index) lines.push(`- ${at}: ${printShape(old.index)}`);
}

function diffProperty(old: Property, next: Property, path: string, lines: string[]): void {
  const optionality = !!old.optional === !!next.optional ? '' : next.optional ? 'now optional' : 'now required';
  const same = canonicalShape(old.shape) === canonicalShape(next.shape);
  if (same) {
    if (optionality) lines.push(`~ ${path}: ${optionality}`);
  } else if (old.shape.type === 'object' && next.shape.type === 'object') {
    if (optionality) lines.push(`~ ${path}: ${optionality}`);
    diff(old.shape, next.shape, path, lines);
  } else {
    const note = optionality ? ` (${optionality})` : '';
    lines.push(`~ ${path}: ${printShape(old.shape)} → ${printShape(next.shape)}${note}`);
  }
}

function join(path: string, key: string): string {
  const name = propertyName(key);
  if (name !== key) return `${path}[${name}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * What changed in a variable's or a field's type: inside arrays, sets and map values (a
 * `Cat[]` whose Cat gained `color`) the elements' changes, `+ color: string`, else the change
 * of the whole, `~ string[] → number[]`.
 */
export function diffField(oldShape: StateShape, newShape: StateShape): string[] {
  let old = oldShape;
  let next = newShape;
  for (let inner = elementsOf(old, next); inner; inner = elementsOf(old, next)) [old, next] = inner;
  if (old.type === 'object' && next.type === 'object') return diffShapes(old, next);
  return canonicalShape(old) === canonicalShape(next) ? [] : [`~ ${printShape(oldShape)} → ${printShape(newShape)}`];
}

/** The element (or map value) shapes of two collections of one kind, else undefined. */
function elementsOf(old: StateShape, next: StateShape): [StateShape, StateShape] | undefined {
  if (old.type === 'array' && next.type === 'array') return [old.element, next.element];
  if (old.type === 'set' && next.type === 'set') return [old.element, next.element];
  if (old.type === 'map' && next.type === 'map' && canonicalShape(old.key) === canonicalShape(next.key)) {
    return [old.value, next.value];
  }
  return undefined;
}
