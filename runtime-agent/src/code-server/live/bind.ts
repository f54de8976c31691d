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
import { initializerText, literalExported, literalInitializer, madeOfLiterals } from './kept-state';
import { tokenText } from './shape';

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
  /** Names a `var` without a value declares again: as in JavaScript, they keep their value. */
  const redeclared = new Set<string>();
  for (const declarator of node.declarations as AnyNode[]) {
    if (declarator.init) {
      const keeping = keepingChangedState(declarator, statement.line, old, code);
      extra.push(...(keeping.length > 0 ? keeping : sayingWhatIsReplaced(declarator, statement.line, old, code)));
      continue;
    }
    // `var _a;` (tsc's decorator metadata): no reference was made of a name declared without
    // a value, so it is written here as the module binding it assigns.
    const id = declarator.id as Identifier;
    extra.push({ start: id.start, end: id.end, text: `${HP}.s.${id.name}`, owner: id });
    // tsc's `var _a, _b;` gains a `_c` when a decorated method's parameter types change: `_a`
    // and `_b` keep what the running metadata read, and are no new values.
    if (kind === 'var' && old.bindings.has(id.name)) redeclared.add(id.name);
    else extra.push({ start: declarator.end, end: declarator.end, text: '=void 0', owner: node, closing: true });
  }
  const last = code[node.end - 1] === ';';
  extra.push({
    start: last ? node.end - 1 : node.end,
    end: last ? node.end - 1 : node.end,
    text: ')',
    owner: node,
    closing: true,
  });
  for (const name of statement.declares) {
    if (!redeclared.has(name)) (old.bindings.has(name) ? report.rebound : report.added).push(name);
  }
  return edits.render(code, node.start, node.end, extra);
}

/**
 * A module variable the running version made from a literal of literals, given another
 * initializer: its new value goes through VersionScope.renew, which keeps the running one when
 * the app changed it since startup (kept-state.ts).
 */
function keepingChangedState(declarator: AnyNode, line: number, old: Digest, code: string): Edit[] {
  const id = declarator.id as AnyNode;
  const init = declarator.init as AnyNode;
  if (id.type !== 'Identifier' || !old.bindings.has(String(id.name))) return [];
  const name = String(id.name);
  const before = old.statements.find((s) => s.declaration && s.declares.includes(name));
  const initial = before && literalInitializer(before.shape.code, before.shape.start, before.shape.end, name);
  // An initializer that did not change runs again on purpose (esbuild's `var x_exports = {}`,
  // made fresh for the `__export(x_exports, …)` after it): only a changed one is weighed.
  if (initial === undefined || tokenText(initial, 0, initial.length) === tokenText(code, init.start, init.end))
    return [];
  const open = `${HP}.renew(${JSON.stringify(name)},${line},()=>${HP}.s.${name},()=>(${initial}),()=>(`;
  return [
    { start: init.start, end: init.start, text: open, owner: init, wraps: 1 },
    {
      start: init.end,
      end: init.end,
      text: `)${madeOfLiterals(init) ? ',true' : ''})`,
      owner: init,
      closing: true,
      wraps: 1,
    },
  ];
}

/**
 * A module variable the running version made with `new`, given another `new …` initializer
 * (`new LRUCache({ max: 500 })` made `max: 1000`): the new object is its value, as any changed
 * initializer's is, and it goes through VersionScope.replace, which names the running object in
 * the report: what the app put in it (a cache's entries, a store's records) is not in the new one.
 */
function sayingWhatIsReplaced(declarator: AnyNode, line: number, old: Digest, code: string): Edit[] {
  const id = declarator.id as AnyNode;
  const init = declarator.init as AnyNode;
  if (id.type !== 'Identifier' || init.type !== 'NewExpression' || !old.bindings.has(String(id.name))) return [];
  const name = String(id.name);
  const before = old.statements.find((s) => s.declaration && s.declares.includes(name));
  const initial = before && initializerText(before.shape.code, before.shape.start, before.shape.end, name);
  if (initial === undefined || tokenText(initial, 0, initial.length) === tokenText(code, init.start, init.end))
    return [];
  const written = writtenClassName(init);
  const open = `${HP}.replace(${JSON.stringify(name)},${line},${JSON.stringify(written ?? null)},()=>${HP}.s.${name},()=>(`;
  return [
    { start: init.start, end: init.start, text: open, owner: init, wraps: 1 },
    { start: init.end, end: init.end, text: '))', owner: init, closing: true, wraps: 1 },
  ];
}

/**
 * The class a `new` expression names, as the code writes it (`LRUCache`, `lru.LRUCache`): what the
 * report calls the object, where the class's own name says nothing (lru-cache's build names it `c`).
 */
function writtenClassName(init: AnyNode): string | undefined {
  const callee = init.callee as AnyNode;
  if (callee.type === 'Identifier') return String(callee.name);
  const property = callee.type === 'MemberExpression' && !callee.computed ? (callee.property as AnyNode) : undefined;
  return property?.type === 'Identifier' ? String(property.name) : undefined;
}

/**
 * `module.exports = <literal>` changed, where the running version exported a literal of literals
 * (a JSON file's data, whose items the app may have added to): the new value goes through
 * VersionScope.renew as a variable's does, so what the app changed in the running one is kept.
 * `node` is the statement, as this version's code has it.
 */
export function keepingExportedState(node: AnyNode, line: number, old: Digest, code: string): Edit[] {
  const expression = node.type === 'ExpressionStatement' ? (node.expression as AnyNode) : undefined;
  if (expression?.type !== 'AssignmentExpression' || expression.operator !== '=') return [];
  const right = expression.right as AnyNode;
  const before = old.statements.find((s) => s.assigns === 'module . exports');
  const initial = before && literalExported(before.shape.code, before.shape.start, before.shape.end);
  if (initial === undefined || tokenText(initial, 0, initial.length) === tokenText(code, right.start, right.end))
    return [];
  const open = `${HP}.renew("module.exports",${line},()=>module.exports,()=>(${initial}),()=>(`;
  return [
    { start: right.start, end: right.start, text: open, owner: node, wraps: 1 },
    { start: right.end, end: right.end, text: '))', owner: node, closing: true, wraps: 1 },
  ];
}
