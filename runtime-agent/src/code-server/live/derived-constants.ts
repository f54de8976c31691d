/**
 * A constant computed at startup from a variable a save gives a new value (`const TIMEOUT_MS =
 * TIMEOUT_S * 1000`, `const TITLE = \`${APP_NAME} admin\``) is computed again, as a restart
 * would: its statement did not change, so the patch would keep its old value. Only `const`
 * declarations whose every value is a plain read (plain-reads.ts: nothing called, no object or
 * array made) run again: what a `let` holds, or an object the app may have added to since, is
 * the app's state. Their own readers follow (export-updates.ts, stale-reads.ts).
 */
import type { Digest } from './digest';
import { plainValue, readsIn, topLevelReads } from './plain-reads';
import type { ProgramModel } from './program';
import type { AnyNode } from './walk';

/**
 * The kept statements (`matched`: new index → old index) of a CommonJS module that are such
 * constants of the variables the unmatched declarations give a new value, and of those constants
 * in turn.
 */
export function derivedConstants(model: ProgramModel, matched: ReadonlyMap<number, number>, old: Digest): number[] {
  if (model.kind !== 'cjs') return [];
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
      if (!matched.has(index) || again.has(index) || !isPlainConstant(statement.node)) return;
      if (!readsIn(statement.node, reads)) return;
      again.add(index);
      rebind(index);
      grew = true;
    });
  }
  return [...again];
}

/** `const a = <plain read>, b = …;`, each declaring a name. */
function isPlainConstant(node: AnyNode): boolean {
  if (node.type !== 'VariableDeclaration' || node.kind !== 'const') return false;
  return (node.declarations as AnyNode[]).every(
    (d) => (d.id as AnyNode).type === 'Identifier' && d.init !== null && plainValue(d.init as AnyNode),
  );
}
