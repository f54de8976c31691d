/**
 * A CommonJS module's exports hold the values its export statements read when they ran:
 * `module.exports = { limit, pagination: { max: MAX } }` read `limit` and `MAX` once, at
 * startup. A save that gives `limit` a new value keeps that statement (it did not change), so
 * the app's exports kept the old value while the load said ✓. Where a kept export statement
 * reads the new value through plain reads only (plain-reads.ts), the patch assigns those
 * exports again once the module's statements ran: the value a restart would export. An object
 * written in the statement is copied with the new values, not made anew: what the app put in it
 * since stays. The rest is said as a value read once (stale-reads.ts), with a restart offer.
 */
import type { Identifier } from 'acorn';
import { HP } from './instrument';
import { frozenLiteral, plainValue, readsIn, topLevelReads } from './plain-reads';
import { keyName, type ProgramModel } from './program';
import type { AnyNode } from './walk';

/** What the patch appends to export again what a kept export statement read of the new values. */
export interface ExportUpdate {
  /** The statement's index in the new version. */
  index: number;
  /** The export assignments, as code of the patch. */
  code: string;
  /** The exports assigned again, as the report names them: `module.exports.limit, .pagination`. */
  exports: string;
}

/** Renders the code from `start` to `end` as the patch evaluates it (module references rewritten). */
type Render = (start: number, end: number) => string;

/** A property's new value, as code of the patch, from the running object at `base`; undefined if it cannot be made. */
type Rewrite = (property: AnyNode, base: string) => string | undefined;

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
  const stale = (node: AnyNode): boolean => readsIn(node, reads);
  const valueOf = (value: AnyNode, base: string): string | undefined => {
    if (plainValue(value, model)) return render(value.start, value.end);
    return value.type === 'ObjectExpression' ? copiedObject(value, base, stale, rewrite) : undefined;
  };
  const rewrite: Rewrite = (property, base) =>
    // A shorthand's name is written `name:…` by the patch's rewrite: the binding is read as such.
    property.shorthand
      ? `${HP}.s.${(property.value as unknown as Identifier).name}`
      : valueOf(property.value as AnyNode, `${base}[${JSON.stringify(keyName(property.key as AnyNode))}]`);
  // Once `module.exports` is replaced, `exports` is the object Node made, which nothing imports.
  const exportsReplaced = model.statements.some((s) => isModuleExports(assignmentTarget(s.node)));
  const updates: ExportUpdate[] = [];
  model.statements.forEach((statement, index) => {
    if (!kept.has(index) || !stale(statement.node)) return;
    const target = assignmentTarget(statement.node);
    const value = (statement.node.expression as AnyNode | undefined)?.right as AnyNode | undefined;
    if (!target || !value) return;
    if (isModuleExports(target)) {
      // The patch's `module.exports` is its own copy of the running exports: assigned directly,
      // frozen or not (the app's exports are the stable face the code server updates from it).
      const frozen = frozenLiteral(value, model);
      const literal = frozen ?? value;
      const properties = literal.type === 'ObjectExpression' ? staleProperties(literal, stale) : undefined;
      const assigned = properties?.map((p) => [keyName(p.key as AnyNode), rewrite(p, 'module.exports')] as const);
      if (!assigned || assigned.length === 0 || assigned.some(([, code]) => code === undefined)) {
        // A frozen object (a spread in it, `{ ...messages, name }`) is all plain reads: made again whole.
        if (frozen?.type === 'ObjectExpression')
          updates.push({
            index,
            code: `Object.assign(module.exports,${render(value.start, value.end)});`,
            exports: 'module.exports',
          });
        return;
      }
      updates.push({
        index,
        code: assigned.map(([key, code]) => `module.exports[${JSON.stringify(key)}]=${code};`).join(''),
        exports: `module.exports.${assigned.map(([key]) => key).join(', .')}`,
      });
      return;
    }
    const onExports =
      isModuleExports(target.object as AnyNode) || (isNamed(target.object, 'exports') && !exportsReplaced);
    const key = memberKey(target);
    if (!onExports || key === undefined) return;
    const at = `module.exports[${JSON.stringify(key)}]`;
    const code = valueOf(value, at);
    if (code !== undefined) updates.push({ index, code: `${at}=${code};`, exports: `module.exports.${key}` });
  });
  return updates;
}

/**
 * An object literal of the export statement, as a copy of the running object at `base` with its
 * properties that read a new value written again: `{...base,"limit":…}`.
 */
function copiedObject(
  literal: AnyNode,
  base: string,
  stale: (node: AnyNode) => boolean,
  rewrite: Rewrite,
): string | undefined {
  // A copy would read a getter's value into a plain property.
  if ((literal.properties as AnyNode[]).some((p) => p.type === 'Property' && p.kind !== 'init')) return undefined;
  const properties = staleProperties(literal, stale);
  if (!properties) return undefined;
  const written = properties.map((p) => [keyName(p.key as AnyNode), rewrite(p, base)] as const);
  if (written.some(([, code]) => code === undefined)) return undefined;
  return `{...${base},${written.map(([key, code]) => `${JSON.stringify(key)}:${code}`).join(',')}}`;
}

/** The properties of an object literal that read a new value; undefined if one of them cannot be written again by its key. */
function staleProperties(literal: AnyNode, stale: (node: AnyNode) => boolean): AnyNode[] | undefined {
  const properties = (literal.properties as AnyNode[]).filter(stale);
  const byKey = properties.every((p) => p.type === 'Property' && p.kind === 'init' && !p.computed && !p.method);
  return byKey ? properties : undefined;
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
