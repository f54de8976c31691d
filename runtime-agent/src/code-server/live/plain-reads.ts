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
 * object or array (one made anew would drop what the app put in the old one since).
 */
export function plainValue(node: AnyNode): boolean {
  switch (node.type) {
    case 'Identifier':
    case 'Literal':
      return true;
    case 'TemplateLiteral':
      return (node.expressions as AnyNode[]).every(plainValue);
    case 'MemberExpression':
      return plainValue(node.object as AnyNode) && (!node.computed || plainValue(node.property as AnyNode));
    case 'UnaryExpression':
      return node.operator !== 'delete' && plainValue(node.argument as AnyNode);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return plainValue(node.left as AnyNode) && plainValue(node.right as AnyNode);
    case 'ConditionalExpression':
      return [node.test, node.consequent, node.alternate].every((part) => plainValue(part as AnyNode));
    default:
      return false;
  }
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
