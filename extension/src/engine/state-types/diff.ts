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
