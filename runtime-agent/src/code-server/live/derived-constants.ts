/**
 * A constant computed at startup from a variable a save gives a new value (`const TIMEOUT_MS =
 * TIMEOUT_S * 1000`, `const TITLE = \`${APP_NAME} admin\``) is computed again, as a restart
 * would: its statement did not change, so the patch would keep its old value. Only `const`
 * declarations whose every value is a plain read (plain-reads.ts: nothing called, no object or
 * array made, unless frozen or never handed on) run again: what a `let` holds, or an object
 * the app may have added to since, is the app's state. Their own readers follow
 * (export-updates.ts, stale-reads.ts).
 */
import type { Digest } from './digest';
import { copiedCollection, plainLiteral, plainValue, readsIn, topLevelReads } from './plain-reads';
import type { ProgramModel } from './program';
import { childrenOf, type AnyNode } from './walk';

/**
 * The kept statements (`matched`: new index → old index) of a module that are such
 * constants of the variables the unmatched declarations give a new value, and of those constants
 * in turn.
 */
export function derivedConstants(model: ProgramModel, matched: ReadonlyMap<number, number>, old: Digest): number[] {
  const rebound = new Set<string>();
  const rebind = (index: number): void => {
    for (const name of model.statements[index]!.declares) if (old.bindings.has(name)) rebound.add(name);
  };
  model.statements.forEach((statement, index) => {
    if (!matched.has(index) && statement.node.type === 'VariableDeclaration') rebind(index);
  });
  const again = new Set<number>();
  for (let grew = rebound.size > 0; grew;) {
    grew = false;
    const reads = topLevelReads(model, rebound);
    model.statements.forEach((statement, index) => {
      if (!matched.has(index) || again.has(index) || !isPlainConstant(statement.node, model)) return;
      if (!readsIn(statement.node, reads)) return;
      again.add(index);
      rebind(index);
      grew = true;
    });
  }
  return [...again];
}

/**
 * `const a = <plain read>, b = …;`, each declaring a name. Or an object or array made of plain
 * values (a literal, or `Object.values(x)`: copiedCollection) whose variable is kept to itself
 * (keptToItself): only what made it ever put anything in it, so made again it loses nothing.
 * (Also what an importer computed at startup from an export given a new value: import-reads.ts.)
 */
export function isPlainConstant(node: AnyNode, model: ProgramModel): boolean {
  if (node.type !== 'VariableDeclaration' || node.kind !== 'const') return false;
  return (node.declarations as AnyNode[]).every((d) => {
    const id = d.id as AnyNode;
    const init = d.init as AnyNode | null;
    if (id.type !== 'Identifier' || init === null) return false;
    if (plainValue(init, model)) return true;
    return (plainLiteral(init, model) || copiedCollection(init, model)) && keptToItself(model, String(id.name));
  });
}

/**
 * Methods of an array that read it and change nothing in it: `ROLES.includes(role)`,
 * `ROLES.join(', ')` (a callback given the array could still change it; none of the app's does
 * that to a table it reads).
 */
const READING_METHODS = new Set([
  'at',
  'concat',
  'entries',
  'every',
  'filter',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flat',
  'flatMap',
  'forEach',
  'includes',
  'indexOf',
  'join',
  'keys',
  'lastIndexOf',
  'map',
  'reduce',
  'reduceRight',
  'slice',
  'some',
  'toReversed',
  'toSorted',
  'toSpliced',
  'toString',
  'values',
  'with',
]);

/**
 * Whether the module's variable `name` is not exported and each of its reads is spread into a
 * literal (`{ ...name }`), a call of a method that only reads an array (`name.includes(x)`), or
 * at the top level a property read (`name.key`) that is neither called nor written, in a
 * function only its `length` (a function runs later, and often: what it reaches into the value
 * for, `name.items.push(x)`, could be the app's state): nothing but what made it can have
 * changed what it holds.
 */
function keptToItself(model: ProgramModel, name: string): boolean {
  const variable = model.moduleScope.variables.find((v) => v.name === name);
  // An ES module's export hands the object itself to its importers.
  if (!variable || [...model.exports.values()].includes(name)) return false;
  return variable.references.every((reference) => {
    if (reference.init) return true;
    if (reference.isWrite()) return false;
    const [parent, grandparent] = ancestorsOf(model, reference.identifier as AnyNode);
    if (parent?.type === 'SpreadElement') return grandparent?.type === 'ObjectExpression';
    if (parent?.type !== 'MemberExpression' || parent.object !== reference.identifier || parent.optional) return false;
    if (readingMethodCall(parent, grandparent)) return true;
    const atTopLevel = reference.from.variableScope.block === model.moduleScope.block;
    if (!atTopLevel && (parent.computed || (parent.property as AnyNode).name !== 'length')) return false;
    return !writesOrCalls(parent, grandparent);
  });
}

/** `name.includes(x)`: `member` names a reading method (READING_METHODS) and `parent` calls it. */
function readingMethodCall(member: AnyNode, parent: AnyNode | undefined): boolean {
  const method = member.computed ? undefined : (member.property as AnyNode).name;
  return parent?.type === 'CallExpression' && parent.callee === member && READING_METHODS.has(String(method));
}

/** Whether `member`, in `parent`, is called, assigned, updated or deleted. */
function writesOrCalls(member: AnyNode, parent: AnyNode | undefined): boolean {
  if (!parent) return false;
  switch (parent.type) {
    case 'CallExpression':
    case 'NewExpression':
    case 'TaggedTemplateExpression':
      return parent.callee === member || parent.tag === member;
    case 'AssignmentExpression':
      return parent.left === member;
    case 'UpdateExpression':
      return true;
    case 'UnaryExpression':
      return parent.operator === 'delete';
    default:
      return false;
  }
}

/** The nodes holding `target`, nearest first, within its top-level statement. */
function ancestorsOf(model: ProgramModel, target: AnyNode): AnyNode[] {
  const path: AnyNode[] = [];
  const visit = (node: AnyNode): boolean => {
    if (node === target) return true;
    if (node.end <= target.start || node.start > target.start) return false;
    for (const child of childrenOf(node)) {
      if (visit(child)) {
        path.push(node);
        return true;
      }
    }
    return false;
  };
  const statement = model.body.find((s) => s.start <= target.start && target.end <= s.end);
  if (statement) visit(statement);
  return path;
}
