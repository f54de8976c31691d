/**
 * What a patch may evaluate again of a statement the save did not change, because it read a
 * variable the save gave a new value (export-updates.ts, derived-constants.ts): code that only
 * reads, as a restart would evaluate it.
 */
import type { Identifier } from 'acorn';
import type { ProgramModel } from './program';
import type { AnyNode } from './walk';

/**
 * Code that only reads (names, properties, literals, operators) and makes nothing: no call (the
 * app's code would run twice), no function (the running version's would be replaced), no
 * object or array (one made anew would drop what the app put in the old one since). Except a
 * frozen one (frozenLiteral): nothing can have been put in it.
 */
export function plainValue(node: AnyNode, model: ProgramModel): boolean {
  const plain = (part: unknown): boolean => plainValue(part as AnyNode, model);
  switch (node.type) {
    case 'Identifier':
    case 'Literal':
      return true;
    case 'TemplateLiteral':
      return (node.expressions as AnyNode[]).every(plain);
    case 'MemberExpression':
      return plain(node.object) && (!node.computed || plain(node.property));
    case 'UnaryExpression':
      return node.operator !== 'delete' && plain(node.argument);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return plain(node.left) && plain(node.right);
    case 'ConditionalExpression':
      return [node.test, node.consequent, node.alternate].every(plain);
    case 'CallExpression':
      return frozenLiteral(node, model) !== undefined;
    default:
      return false;
  }
}

/**
 * The literal of `Object.freeze({ … })` or `Object.freeze([ … ])` (the global `Object`: the
 * module declares none of its own) whose parts are plain values: made again, it holds what the
 * running one holds, as nothing could be added to or changed in that one. A property written as
 * an object literal that is not frozen too could have been changed since: not plain.
 */
export function frozenLiteral(node: AnyNode, model: ProgramModel): AnyNode | undefined {
  if (node.type !== 'CallExpression' || node.optional || model.bindings.has('Object')) return undefined;
  const callee = node.callee as AnyNode;
  const [literal, ...more] = node.arguments as AnyNode[];
  const freezes =
    callee.type === 'MemberExpression' &&
    !callee.computed &&
    (callee.object as AnyNode).type === 'Identifier' &&
    (callee.object as AnyNode).name === 'Object' &&
    (callee.property as AnyNode).name === 'freeze';
  if (!freezes || !literal || more.length > 0) return undefined;
  return plainLiteral(literal, model) ? literal : undefined;
}

/** What `Object.keys`, `Object.values` and `Object.entries` make: a new array of what an object holds. */
const OBJECT_COPIES = new Set(['keys', 'values', 'entries']);

/**
 * `Object.values(x)` (or `keys`, `entries`; the global `Object`) of a plain value: a new array
 * of what `x` holds, which only reads it (`const ROLES = Object.values(Role)` for an enum as an
 * object `as const`). Like a literal, made anew it drops what the app put in the old array.
 */
export function copiedCollection(node: AnyNode, model: ProgramModel): boolean {
  if (node.type !== 'CallExpression' || node.optional || model.bindings.has('Object')) return false;
  const callee = node.callee as AnyNode;
  const [argument, ...more] = node.arguments as AnyNode[];
  return (
    callee.type === 'MemberExpression' &&
    !callee.computed &&
    (callee.object as AnyNode).type === 'Identifier' &&
    (callee.object as AnyNode).name === 'Object' &&
    OBJECT_COPIES.has(String((callee.property as AnyNode).name)) &&
    argument !== undefined &&
    more.length === 0 &&
    argument.type !== 'SpreadElement' &&
    plainValue(argument, model)
  );
}

/**
 * An object or array literal made of plain values only: `{ a: x, [k]: y, ...defaults }`,
 * `[x, 'y']` (an array's spread would run an iterator: not plain).
 */
export function plainLiteral(literal: AnyNode, model: ProgramModel): boolean {
  const plain = (part: unknown): boolean => plainValue(part as AnyNode, model);
  if (literal.type === 'ArrayExpression') {
    const elements = literal.elements as Array<AnyNode | null>;
    return elements.every((element) => element !== null && element.type !== 'SpreadElement' && plain(element));
  }
  if (literal.type !== 'ObjectExpression') return false;
  return (literal.properties as AnyNode[]).every((p) =>
    p.type === 'SpreadElement'
      ? plain(p.argument)
      : p.type === 'Property' && p.kind === 'init' && !p.method && (!p.computed || plain(p.key)) && plain(p.value),
  );
}

/** Where each variable of `names` is read at the module's top level (not in a function). */
export function topLevelReads(model: ProgramModel, names: ReadonlySet<string>): number[] {
  const at: number[] = [];
  for (const variable of model.moduleScope.variables) {
    if (!names.has(variable.name)) continue;
    for (const reference of variable.references) {
      if (reference.isRead() && reference.from.variableScope.block === model.moduleScope.block)
        at.push((reference.identifier as Identifier).start);
    }
  }
  return at;
}

/** Whether one of `reads` (offsets) lies in `node`. */
export function readsIn(node: { start: number; end: number }, reads: readonly number[]): boolean {
  return reads.some((at) => node.start <= at && at < node.end);
}
