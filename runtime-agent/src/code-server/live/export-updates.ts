/**
 * A CommonJS module's exports hold the values its export statements read when they ran:
 * `module.exports = { limit, pageSize: defaults.size }` read `limit` once, at startup. A save
 * that gives `limit` a new value keeps that statement (it did not change), so the app's
 * exports kept the old value while the load said ✓. Where an export statement reads the new
 * value only through plain reads (names, properties, literals, operators: nothing that calls
 * code or makes a function), the patch assigns the exports it made again, after the module's
 * statements ran: the value a restart would export. The rest is said as a value read once
 * (stale-reads.ts), with a restart offer.
 */
import type { Identifier } from 'acorn';
import { HP } from './instrument';
import { keyName, type ProgramModel } from './program';
import type { AnyNode } from './walk';

/** What the patch appends to export again what a kept export statement read of the new values. */
export interface ExportUpdate {
  /** The statement's index in the new version. */
  index: number;
  /** The export assignments, as code of the patch. */
  code: string;
  /** The exports assigned again, as the report names them: `module.exports.limit, .pageSize`. */
  exports: string;
}

/** Renders the code from `start` to `end` as the patch evaluates it (module references rewritten). */
type Render = (start: number, end: number) => string;

/**
 * The updates of the kept (`kept`: statement indexes) export statements of a CommonJS module
 * that read one of `rebound` (the variables this version gave a new value) at its top level.
 */
export function exportUpdates(
  model: ProgramModel,
  kept: ReadonlySet<number>,
  rebound: readonly string[],
  render: Render,
): ExportUpdate[] {
  if (model.kind !== 'cjs' || rebound.length === 0) return [];
  const reads = topLevelReads(model, new Set(rebound));
  if (reads.length === 0) return [];
  const readsIn = (node: AnyNode): boolean => reads.some((at) => node.start <= at && at < node.end);
  // Once `module.exports` is replaced, `exports` is the object Node made, which nothing imports.
  const exportsReplaced = model.statements.some((s) => isModuleExports(assignmentTarget(s.node)));
  const updates: ExportUpdate[] = [];
  model.statements.forEach((statement, index) => {
    if (!kept.has(index) || !readsIn(statement.node)) return;
    const target = assignmentTarget(statement.node);
    const value = (statement.node.expression as AnyNode | undefined)?.right as AnyNode | undefined;
    if (!target || !value) return;
    if (isModuleExports(target)) {
      const update = objectUpdate(value, readsIn, render);
      if (update) updates.push({ index, ...update });
      return;
    }
    const onExports =
      isModuleExports(target.object as AnyNode) || (isNamed(target.object, 'exports') && !exportsReplaced);
    const key = memberKey(target);
    if (!onExports || key === undefined || !plainRead(value)) return;
    updates.push({
      index,
      code: `module.exports[${JSON.stringify(key)}]=${render(value.start, value.end)};`,
      exports: `module.exports.${key}`,
    });
  });
  return updates;
}

/**
 * `module.exports = { … }`: each property that reads a new value assigned again, when every
 * such property can be (a plain key, a plain read); undefined otherwise.
 */
function objectUpdate(
  value: AnyNode,
  readsIn: (node: AnyNode) => boolean,
  render: Render,
): { code: string; exports: string } | undefined {
  if (value.type !== 'ObjectExpression') return undefined;
  const stale = (value.properties as AnyNode[]).filter(readsIn);
  const assignments: string[] = [];
  for (const property of stale) {
    if (property.type !== 'Property' || property.kind !== 'init' || property.computed) return undefined;
    const read = property.value as AnyNode;
    if (!plainRead(read)) return undefined;
    const key = keyName(property.key as AnyNode);
    // A shorthand's name is written `name:…` by the patch's rewrite: the binding is read as such.
    const code = property.shorthand ? `${HP}.s.${(read as unknown as Identifier).name}` : render(read.start, read.end);
    assignments.push(`module.exports[${JSON.stringify(key)}]=${code};`);
  }
  if (assignments.length === 0) return undefined;
  const keys = stale.map((property) => keyName(property.key as AnyNode));
  return { code: assignments.join(''), exports: `module.exports.${keys.join(', .')}` };
}

/** Where each variable of `names` is read at the module's top level (not in a function). */
function topLevelReads(model: ProgramModel, names: ReadonlySet<string>): number[] {
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

/**
 * Code that only reads, evaluated again: it calls nothing the app wrote, and makes no function
 * (one made by the patch would not be the running version's).
 */
function plainRead(node: AnyNode): boolean {
  switch (node.type) {
    case 'Identifier':
    case 'Literal':
      return true;
    case 'TemplateLiteral':
      return (node.expressions as AnyNode[]).every(plainRead);
    case 'MemberExpression':
      return plainRead(node.object as AnyNode) && (!node.computed || plainRead(node.property as AnyNode));
    case 'UnaryExpression':
      return node.operator !== 'delete' && plainRead(node.argument as AnyNode);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return plainRead(node.left as AnyNode) && plainRead(node.right as AnyNode);
    case 'ConditionalExpression':
      return [node.test, node.consequent, node.alternate].every((part) => plainRead(part as AnyNode));
    case 'ArrayExpression':
      return (node.elements as Array<AnyNode | null>).every((element) => element === null || plainRead(element));
    case 'ObjectExpression':
      return (node.properties as AnyNode[]).every(
        (p) =>
          p.type === 'Property' &&
          p.kind === 'init' &&
          !p.method &&
          (!p.computed || plainRead(p.key as AnyNode)) &&
          plainRead(p.value as AnyNode),
      );
    default:
      return false;
  }
}

/** The target of a statement `target = value;`. */
function assignmentTarget(node: AnyNode): AnyNode | undefined {
  if (node.type !== 'ExpressionStatement') return undefined;
  const expression = node.expression as AnyNode;
  if (expression.type !== 'AssignmentExpression' || expression.operator !== '=') return undefined;
  const target = expression.left as AnyNode;
  return target.type === 'MemberExpression' ? target : undefined;
}

/** `module.exports`. */
function isModuleExports(node: AnyNode | undefined): boolean {
  return (
    node?.type === 'MemberExpression' &&
    isNamed(node.object, 'module') &&
    !node.computed &&
    isNamed(node.property, 'exports')
  );
}

/** The property a member expression names: `x.key`, `x['key']`. */
function memberKey(node: AnyNode): string | undefined {
  const property = node.property as AnyNode;
  if (!node.computed) return keyName(property);
  return property.type === 'Literal' && typeof property.value === 'string' ? property.value : undefined;
}

function isNamed(node: unknown, name: string): boolean {
  const candidate = node as AnyNode | undefined;
  return candidate?.type === 'Identifier' && (candidate as unknown as Identifier).name === name;
}
