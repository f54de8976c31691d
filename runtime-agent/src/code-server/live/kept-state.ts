/**
 * A module variable whose initializer changed, when the app has changed its value since: the
 * running value is kept, not replaced. `const tasks = [{ id: 1, … }]`, whose items the app added
 * to, edited to `[{ id: 1, …, priority: 1 }]` (the seed given a field its type gained): running
 * the new initializer would drop every task the app holds. Dart's hot reload keeps a global's
 * value the same way, and says so.
 *
 * Known only where the old initializer is a literal made of literals (`[]`, `{ … }`, `new Map()`):
 * made again, it is what the variable held at startup, and a value still equal to it was never
 * changed, so the new initializer loses nothing. Any other initializer (a call, a read of
 * another variable) gives its new value, as before.
 *
 * A kept plain object gains the fields a new literal adds (`const counts = { hits: 0 }` made
 * `{ hits: 0, sets: 0 }`, while the app counted hits): the edit then applies whole, the app's
 * counts kept. A new `new …` initializer replaces the running object, and the report says what it
 * replaced (mayHoldState, droppedNote).
 */
import type { Node as AcornNode, VariableDeclaration } from 'acorn';
import { acorn } from './parsers';
import type { AnyNode } from './walk';

/** Values compared beyond this many, the running value counts as changed (and is kept). */
const MOST_COMPARED = 10_000;

/**
 * The text of the initializer `name` had in the running version's declaration (`code` from
 * `start` to `end`), when it is a literal made of literals; undefined otherwise.
 */
export function literalInitializer(code: string, start: number, end: number, name: string): string | undefined {
  const init = initializerOf(code, start, end, name);
  return init && madeOfLiterals(init) ? code.slice(start + init.start, start + init.end) : undefined;
}

/** The text of the initializer `name` had in the running version's declaration; undefined where it had none. */
export function initializerText(code: string, start: number, end: number, name: string): string | undefined {
  const init = initializerOf(code, start, end, name);
  return init && code.slice(start + init.start, start + init.end);
}

/** The initializer of `name` in the declaration `code` has from `start` to `end` (its offsets from `start`). */
function initializerOf(code: string, start: number, end: number, name: string): AnyNode | undefined {
  let statement: AnyNode | undefined;
  try {
    statement = acorn().parse(code.slice(start, end), { ecmaVersion: 'latest', sourceType: 'module' })
      .body[0] as AnyNode;
  } catch {
    return undefined;
  }
  // An ES module's `export const tasks = […]`.
  const declaration = (statement?.type === 'ExportNamedDeclaration' ? statement.declaration : statement) as
    VariableDeclaration | undefined;
  if (declaration?.type !== 'VariableDeclaration') return undefined;
  const declarator = declaration.declarations.find((d) => d.id.type === 'Identifier' && d.id.name === name);
  return (declarator?.init as AnyNode | null | undefined) ?? undefined;
}

/**
 * The text of the value the running version's `module.exports = …` statement (`code` from
 * `start` to `end`) assigned, when it is a literal made of literals (a JSON file's data:
 * protocol/json-modules.ts); undefined otherwise.
 */
export function literalExported(code: string, start: number, end: number): string | undefined {
  const expression = exportAssignment(code.slice(start, end));
  if (!expression || !madeOfLiterals(expression.right as AnyNode)) return undefined;
  const right = expression.right as AnyNode;
  return code.slice(start + right.start, start + right.end);
}

/** `module.exports = …` read from `text` (one statement): its assignment, or undefined. */
function exportAssignment(text: string): AnyNode | undefined {
  let statement: AnyNode | undefined;
  try {
    statement = acorn().parse(text, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true })
      .body[0] as AnyNode;
  } catch {
    return undefined;
  }
  const expression = statement?.type === 'ExpressionStatement' ? (statement.expression as AnyNode) : undefined;
  if (expression?.type !== 'AssignmentExpression' || expression.operator !== '=') return undefined;
  const left = expression.left as AnyNode;
  const isModuleExports =
    left.type === 'MemberExpression' &&
    !left.computed &&
    (left.object as AnyNode).type === 'Identifier' &&
    (left.object as AnyNode).name === 'module' &&
    (left.property as AnyNode).name === 'exports';
  return isModuleExports ? expression : undefined;
}

/** A literal, or an array, object, Map or Set written with literals only: made again, it has no effects. */
export function madeOfLiterals(node: AnyNode): boolean {
  switch (node.type) {
    case 'Literal':
      return !(node as { regex?: unknown }).regex;
    case 'TemplateLiteral':
      return (node.expressions as AcornNode[]).length === 0;
    case 'UnaryExpression':
      return ['-', '+', '!'].includes(String(node.operator)) && madeOfLiterals(node.argument as AnyNode);
    case 'Identifier':
      return node.name === 'undefined';
    case 'ArrayExpression':
      return (node.elements as Array<AnyNode | null>).every((element) => element === null || madeOfLiterals(element));
    case 'ObjectExpression':
      return (node.properties as AnyNode[]).every(
        (p) =>
          p.type === 'Property' && p.kind === 'init' && !p.computed && !p.method && madeOfLiterals(p.value as AnyNode),
      );
    case 'NewExpression': {
      const callee = node.callee as AnyNode;
      return (
        callee.type === 'Identifier' &&
        (callee.name === 'Map' || callee.name === 'Set') &&
        (node.arguments as AnyNode[]).every(madeOfLiterals)
      );
    }
    default:
      return false;
  }
}

/**
 * Whether `running` is still what `initial` (the old initializer made again) is: the same
 * primitives, arrays, plain objects, Maps and Sets, in the same shape.
 */
export function unchangedSinceStartup(running: unknown, initial: unknown): boolean {
  let budget = MOST_COMPARED;
  const same = (a: unknown, b: unknown): boolean => {
    if (--budget < 0) return false;
    if (Object.is(a, b)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    if (a instanceof Map && b instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [key, value] of a) if (!b.has(key) || !same(value, b.get(key))) return false;
      return true;
    }
    if (a instanceof Set && b instanceof Set) {
      if (a.size !== b.size) return false;
      for (const value of a) if (!b.has(value)) return false;
      return true;
    }
    const keys = Reflect.ownKeys(a);
    if (keys.length !== Reflect.ownKeys(b).length) return false;
    return keys.every(
      (key) =>
        Object.hasOwn(b, key) &&
        same((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key]),
    );
  };
  return same(running, initial);
}

/**
 * The fields a kept plain object gains from its new initializer (`next`): those the old one
 * (`initial`, made again) did not have and the object has not got, set on `running` with their
 * new values. `onlyAdded`: the new initializer differs from the old one by those fields alone,
 * so nothing else of it is left unapplied.
 */
export function addFields(running: unknown, initial: unknown, next: unknown): { added: string[]; onlyAdded: boolean } {
  const none = { added: [], onlyAdded: false };
  if (!isPlainObject(running) || !isPlainObject(initial) || !isPlainObject(next)) return none;
  if (!Object.isExtensible(running)) return none; // frozen or sealed by the app: left as it is
  const added = Object.keys(next).filter((key) => !Object.hasOwn(initial, key) && !Object.hasOwn(running, key));
  for (const key of added)
    Object.defineProperty(running, key, { value: next[key], writable: true, enumerable: true, configurable: true });
  const others = Object.fromEntries(Object.entries(next).filter(([key]) => Object.hasOwn(initial, key)));
  return {
    added,
    onlyAdded: Object.keys(others).length === Object.keys(initial).length && unchangedSinceStartup(others, initial),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/** The report's note for a variable whose running value was kept. */
export function keptNote(name: string, line: number): string {
  return (
    `line ${line}: ${name} keeps its running value: its initializer changed, but the app has changed ` +
    `${name} since it was made, and the new initializer would drop that; restart to start from the new one`
  );
}

/**
 * Whether a running object a new one replaces may hold what the app put in it: any object but a
 * value no one adds to (a pattern, a date, a URL, an error, a promise, an Intl formatter).
 */
export function mayHoldState(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (value instanceof RegExp || value instanceof Date || value instanceof URL || value instanceof Error) return false;
  if (value instanceof Promise) return false;
  return !Object.prototype.toString.call(value).startsWith('[object Intl.');
}

/**
 * The report's note for a running object a changed `new …` initializer replaced with `made`: a
 * `written` class name (as the code names it) or the object's class's own.
 */
export function droppedNote(name: string, line: number, made: unknown, written?: string): string {
  const kind = written ?? classNameOf(made);
  return `line ${line}: ${name} is a new ${kind}, in place of the running one: what the app had put in that one is not in it`;
}

/** The name of the class that made `value`; "object" where it has none, or a proxy's trap threw. */
function classNameOf(value: unknown): string {
  try {
    const constructor = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor;
    if (typeof constructor?.name === 'string' && constructor.name !== '') return constructor.name;
  } catch {
    // a proxy's trap threw
  }
  return 'object';
}
