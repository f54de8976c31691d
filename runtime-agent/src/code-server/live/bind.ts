/**
 * A changed or new top-level declaration in a patch: it assigns the module bindings, which the
 * running version's closures read, instead of declaring variables of the patch's own.
 */
import type { Identifier } from 'acorn';
import type { Digest } from './digest';
import type { Edit, Edits, Mapped } from './edits';
import { HP } from './instrument';
import type { PatchReport } from './patch';
import type { TopStatement } from './program';
import type { AnyNode } from './walk';

/** `const a = 1, { b } = c;` → `(__hotpatch$.s.a = 1, { b: __hotpatch$.s.b } = c);` (references are rewritten by the patch). */
export function bindDeclaration(
  statement: TopStatement,
  code: string,
  edits: Edits,
  old: Digest,
  report: PatchReport,
): Mapped {
  const { node } = statement;
  const kind = String(node.kind);
  const extra: Edit[] = [
    { start: node.start, end: node.start + kind.length, text: `(${' '.repeat(kind.length - 1)}`, owner: node },
  ];
  for (const declarator of node.declarations as AnyNode[]) {
    if (declarator.init) continue;
    // `var _a;` (tsc's decorator metadata): no reference was made of a name declared without
    // a value, so it is written here as the module binding it assigns.
    const id = declarator.id as Identifier;
    extra.push({ start: id.start, end: id.end, text: `${HP}.s.${id.name}`, owner: id });
    extra.push({ start: declarator.end, end: declarator.end, text: '=void 0', owner: node, closing: true });
  }
  const last = code[node.end - 1] === ';';
  extra.push({
    start: last ? node.end - 1 : node.end,
    end: last ? node.end - 1 : node.end,
    text: ')',
    owner: node,
    closing: true,
  });
  for (const name of statement.declares) (old.bindings.has(name) ? report.rebound : report.added).push(name);
  return edits.render(code, node.start, node.end, extra);
}
