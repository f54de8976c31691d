/**
 * The conversion expressions a codeChange stub is made of (server, module-variable and class
 * stubs alike): an object literal of the new shape built from the old value, common fields
 * copied, new fields given defaults, and a `todo(...)` that throws where nothing can be
 * inferred, so that an unwritten conversion fails in the agent's dry run instead of running
 * with invented data.
 */
import type { StateShape } from 'hotpatch-agent/protocol';
import { defaultValue, fits, hasUnknown } from './defaults';
import { canonicalShape, printShape, propertyName, quote } from './print-shape';
import { classOfShape } from './to-shape';

export type ObjectShape = Extract<StateShape, { type: 'object' }>;

/** What the body being written needs to know. */
export interface Writer {
  unit: string;
  /** The old vsn, as `from` carries it, and as comments can show it. */
  vsn: string;
  label: string;
  /** Set once a `todo(...)` is written: the stub then declares `todo`. */
  usesTodo: boolean;
  /** False in a JavaScript file: the stub is written without TypeScript's syntax (types in JSDoc). */
  typed?: boolean;
}

/** Where in the state a conversion is. */
export interface At {
  /** An expression of the old value there: `old.settings`. */
  access: string;
  /** For messages: `settings`. */
  path: string;
  /** The new type there (`State['settings']`), for casts. */
  type: string | undefined;
}

/** A vsn in a comment: the author's string (or a hash), which must not end the comment. */
export function commentLabel(vsn: string): string {
  return vsn.replace(/\*\//g, '* /').replace(/[\r\n\u2028\u2029]/g, ' ');
}

/**
 * An object literal of the new shape built from the old value at `at`; for an instance of one
 * of the app's classes, the instance itself given its new and converted fields (convertInstance).
 */
export function convertObject(
  next: ObjectShape,
  old: StateShape | undefined,
  at: At,
  w: Writer,
  margin: string,
): string {
  const { access } = at;
  const before = old?.type === 'object' ? old : undefined;
  const className = classOfShape(next);
  if (className && before) return convertInstance(next, before, at, w, margin, className);
  const lines: string[] = [];
  if (old && !before) lines.push(`// TODO: this was a ${printShape(old)}, not an object: convert ${access}.`);
  const dropped = before ? Object.keys(before.properties).filter((k) => !(k in next.properties)) : [];
  if (dropped.length > 0) lines.push(`// Dropped: ${dropped.map(propertyName).join(', ')}.`);
  if (next.index) {
    // Entries under an index signature are data too: keep them when their type is unchanged.
    if (before?.index && canonicalShape(before.index) === canonicalShape(next.index)) lines.push(`...${access},`);
    else lines.push(`// TODO: entries [key: string]: ${printShape(next.index)} are not converted.`);
  }
  const inner = margin + w.unit;
  lines.push(...propertyLines(next, before, at, w, inner, false));
  if (lines.length === 0) return '{}';
  return `{\n${lines.map((l) => `${inner}${l}\n`).join('')}${margin}}`;
}

/**
 * An instance of one of the app's classes (an aggregate in a repository's map), converted as
 * itself: `Object.assign(item, { notes: [] })`. The copy codeChange reads has its class back
 * (copyState), so the result keeps its methods and the fields no type names (a base class's
 * own, as AggregateRoot's); an object literal of the new fields would have lost them all, and
 * the next call of a method on it would throw. Fields the new class no longer declares stay
 * on the instance, said in a comment.
 */
function convertInstance(
  next: ObjectShape,
  before: ObjectShape,
  at: At,
  w: Writer,
  margin: string,
  className: string,
): string {
  const inner = margin + w.unit;
  const lines = propertyLines(next, before, at, w, inner, true);
  const dropped = Object.keys(before.properties).filter((k) => !(k in next.properties));
  const comment =
    dropped.length > 0
      ? `// No longer in ${className}, still on the instance: ${dropped.map(propertyName).join(', ')}.\n${margin}`
      : '';
  const instance = w.typed === false ? at.access : `(${at.access} as ${className})`;
  if (lines.length === 0) return `${comment}${instance}`;
  return `${comment}Object.assign(${instance}, {\n${lines.map((l) => `${inner}${l}\n`).join('')}${margin}})`;
}

/**
 * The lines of an object literal giving each property of `next` its value from the old object
 * at `at`: new ones their defaults, changed ones converted, and, unless `changedOnly`, the
 * unchanged ones as they were.
 */
function propertyLines(
  next: ObjectShape,
  before: ObjectShape | undefined,
  at: At,
  w: Writer,
  inner: string,
  changedOnly: boolean,
): string[] {
  const { access } = at;
  const lines: string[] = [];
  for (const [key, property] of Object.entries(next.properties)) {
    const name = propertyName(key);
    const from = member(access, key);
    const path = at.path ? `${at.path}.${name}` : name;
    const type = at.type && `${at.type}[${quote(key)}]`;
    const was = before?.properties[key];
    if (!was) {
      if (property.optional) continue;
      const value = defaultValue(property.shape);
      if (value !== undefined) lines.push(`${name}: ${value}, // new`);
      else lines.push(`// TODO: ${path} is new: give it a value.`, `${name}: ${todo(w, `set ${path}`)},`);
      continue;
    }
    const required = !property.optional && !!was.optional;
    if (!was.optional && !property.optional) {
      const value = convertValue(property.shape, was.shape, { access: from, path, type }, w, inner);
      if (!changedOnly || value.expression !== from) lines.push(...value.comments, `${name}: ${value.expression},`);
    } else if (canonicalShape(was.shape) === canonicalShape(property.shape) || fits(was.shape, property.shape)) {
      const value = orDefault(from, required, property.shape, path, w);
      if (!changedOnly || value !== from) lines.push(`${name}: ${value},`);
    } else {
      const change = `${printShape(was.shape)}${was.optional ? ' (optional)' : ''}, now ${printShape(property.shape)}`;
      lines.push(`// TODO: ${path} was ${change}: convert ${from}.`, `${name}: ${todo(w, `convert ${path}`)},`);
    }
  }
  return lines;
}

/**
 * An expression of the new shape from the old value at `at` (both present): kept when it fits,
 * objects rebuilt, arrays, sets and maps of changed elements mapped element by element, and a
 * TODO where there is no telling. `comments` go on the lines above the expression.
 */
export function convertValue(
  next: StateShape,
  old: StateShape,
  at: At,
  w: Writer,
  margin: string,
): { expression: string; comments: string[] } {
  const { access, path, type } = at;
  if (canonicalShape(old) === canonicalShape(next)) {
    // The inlined old type says `unknown` where the real type is richer: it is that type.
    return {
      expression: hasUnknown(next) && type && w.typed !== false ? `${access} as ${type}` : access,
      comments: [],
    };
  }
  if (fits(old, next)) return { expression: access, comments: [] };
  if (old.type === 'object' && next.type === 'object') {
    return { expression: convertObject(next, old, at, w, margin), comments: [] };
  }
  const element = (shape: StateShape, was: StateShape, suffix: string, elementType: string | undefined) =>
    convertValue(shape, was, { access: 'item', path: `${path}${suffix}`, type: elementType }, w, margin);
  if ((old.type === 'array' || old.type === 'set') && next.type === old.type) {
    const item = element(next.element, old.element, '[]', type && `${type}[number]`);
    if (item.comments.length === 0) {
      const expression =
        old.type === 'array'
          ? `${access}.map((item) => (${item.expression}))`
          : `new Set([...${access}].map((item) => (${item.expression})))`;
      return { expression, comments: [] };
    }
  }
  if (old.type === 'map' && next.type === 'map' && canonicalShape(old.key) === canonicalShape(next.key)) {
    const value = element(next.value, old.value, '[value]', undefined);
    if (value.comments.length === 0) {
      return {
        expression: `new Map([...${access}].map(([key, item]) => [key, ${value.expression}]${w.typed === false ? '' : ' as const'}))`,
        comments: [],
      };
    }
  }
  return {
    expression: todo(w, `convert ${path}`),
    comments: [`// TODO: ${path} was ${printShape(old)}, now ${printShape(next)}: convert ${access}.`],
  };
}

/** An old optional field that is now required: its value, else a default. */
function orDefault(value: string, required: boolean, shape: StateShape, key: string, w: Writer): string {
  if (!required) return value;
  return `${value} ?? ${defaultValue(shape) ?? todo(w, `a value for ${key} where there was none`)}`;
}

/** A type that `['key']` can follow: `State`, or an inline type in parentheses. */
export function indexable(type: string | undefined): string | undefined {
  return type === undefined || /^[\w$.]+(<.*>)?(\['[^']*'\])*$/s.test(type) ? type : `(${type})`;
}

export function todo(w: Writer, what: string): string {
  w.usesTodo = true;
  return `todo(${quote(what)})`;
}

/** The `todo` helper a stub declares when it used one, as lines without indentation. */
export function todoDeclaration(w: Writer): string[] {
  if (!w.usesTodo) return [];
  return [
    w.typed === false ? 'const todo = (what) => {' : `const todo = (what: string): never => {`,
    `${w.unit}throw new Error(\`codeChange from v\${vsn}: \${what} (see the TODO)\`);`,
    `};`,
  ];
}

/** `access.key`, or `access['key']` where the key is no identifier (`'#notes'`, `'content-type'`). */
export function member(access: string, key: string): string {
  const name = propertyName(key);
  return name === key ? `${access}.${key}` : `${access}[${name}]`;
}
