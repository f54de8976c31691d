/**
 * A module variable given a new value reaches the code that reads it from now on: function
 * bodies read the running binding at each call. What read it once, at startup, keeps the old
 * value: a kept top-level statement (`app.get('/', { schema: todoSchema }, …)`, not run again)
 * or a registration inside a plugin or router factory that ran then (see setup-statements.ts).
 * A Fastify route's schema is compiled into its validator and serializer when the route is
 * added: a changed schema would say ✓ and change nothing. Those reads are reported.
 */
import type { Identifier } from 'acorn';
import type { PatchReport } from './patch';
import { summaryOf } from './digest';
import type { Variable } from 'eslint-scope';
import { isFunction, keyName, type LiveFunction, type ProgramModel } from './program';
import { pluginRunsAgain } from './runs-again';
import { childrenOf, type AnyNode } from './walk';

/**
 * `kept`: the indexes of the new version's top-level statements that are not run again. Returns
 * the notes whose every read is a route of one plugin that can run again (runs-again.ts), with
 * that plugin: running it again applies the new value (see fastify-plugins.ts).
 */
export function reportStaleReads(
  model: ProgramModel,
  kept: ReadonlySet<number>,
  report: PatchReport,
): Array<{ note: string; plugin: LiveFunction }> {
  const rebound = new Set(report.rebound);
  if (rebound.size === 0) return [];
  const functionOf = new Map(model.functions.map((f) => [f.node as AnyNode, f]));
  const inPlugins: Array<{ note: string; plugin: LiveFunction }> = [];
  for (const variable of model.moduleScope.variables) {
    if (!rebound.has(variable.name)) continue;
    const reads = new Map<number, string>();
    const plugins = new Set<LiveFunction | undefined>();
    for (const reference of variable.references) {
      if (!reference.isRead()) continue;
      const identifier = reference.identifier as Identifier;
      const at = identifier.start;
      const block = reference.from.variableScope.block as AnyNode;
      // A kept CommonJS export statement holds what it read (export-updates.ts: the ones a patch exports again are not kept).
      const reader = startupReader(model, kept, functionOf, block, at, { exportAssignmentsRead: true });
      // `entry.interval = setInterval(…)` stores into the old value; it reads nothing from it.
      if (!reader || storedInto(model, identifier)) continue;
      // `handlers.list` of `const handlers = { list(req, res) {…} }`: the old object's method
      // forwards its calls to the newest body; what read it is not stale.
      if (isMethodOfLiteral(variable, propertyRead(model, identifier as unknown as AnyNode))) continue;
      reads.set(model.lineOf(at), reader.text);
      plugins.add(reader.plugin);
    }
    if (reads.size === 0) continue;
    const where = [...reads].map(([line, what]) => `line ${line} (${what})`).join(', ');
    const note =
      `${variable.name} has a new value, but ${where} read it once, at startup, and keeps the old one; ` +
      'restart the app to apply it there';
    report.notApplied.push(note);
    const [plugin] = plugins;
    if (plugins.size === 1 && plugin) inPlugins.push({ note, plugin });
  }
  return inPlugins;
}

/**
 * What read the variable at `at` once, at startup, if that is where it is read (also for the
 * modules that import a changed export, import-reads.ts).
 */
export function startupReader(
  model: ProgramModel,
  kept: ReadonlySet<number>,
  functionOf: ReadonlyMap<AnyNode, LiveFunction>,
  scopeBlock: AnyNode,
  at: number,
  { exportAssignmentsRead = false } = {},
): { text: string; plugin?: LiveFunction } | undefined {
  const inside = (node: { start: number; end: number }) => node.start <= at && at < node.end;
  if (scopeBlock === model.moduleScope.block) {
    const index = model.statements.findIndex((s) => inside(s.outer ?? s.node));
    const statement = model.statements[index];
    if (!statement || !kept.has(index) || isExport(statement.node, !exportAssignmentsRead)) return undefined;
    if (neverEvaluated(statement.node)) return undefined;
    return { text: summaryOf(statement.shape) };
  }
  // Inside a function: only its own setup statements ran once (a handler it registers runs later).
  // The reader kept where they are (their shapes' ranges).
  const fn = functionOf.get(scopeBlock);
  const setup = fn?.setup.find(inside);
  if (!fn || !setup) return undefined;
  const text = shortText(model.code, setup.start, setup.end);
  return fn.setupRoutes.includes(setup) && !fn.member && pluginRunsAgain(fn.node) ? { text, plugin: fn } : { text };
}

/** The property `identifier.property` reads, when the identifier is the object of a plain member read. */
export function propertyRead(model: ProgramModel, identifier: AnyNode): string | undefined {
  const statement = model.body.find((s) => s.start <= identifier.start && identifier.end <= s.end);
  let property: string | undefined;
  const visit = (node: AnyNode): void => {
    if (property !== undefined || node.end < identifier.start || node.start > identifier.end) return;
    if (node.type === 'MemberExpression' && node.object === identifier && !node.computed) {
      property = String((node.property as AnyNode).name);
      return;
    }
    for (const child of childrenOf(node)) visit(child);
  };
  if (statement) visit(statement);
  return property;
}

/** Whether `variable` is declared as an object literal whose `property` is a function written there. */
function isMethodOfLiteral(variable: Variable, property: string | undefined): boolean {
  if (property === undefined) return false;
  const declarator = variable.defs[0]?.node as AnyNode | undefined;
  const init = declarator?.type === 'VariableDeclarator' ? (declarator.init as AnyNode | null) : null;
  if (init?.type !== 'ObjectExpression') return false;
  return (init.properties as AnyNode[]).some(
    (p) =>
      p.type === 'Property' &&
      !p.computed &&
      keyName(p.key as AnyNode) === property &&
      isFunction(p.value as AnyNode) &&
      p.kind === 'init',
  );
}

/** Code from `start` to `end` on one line, cut to 60 characters: a statement as a report names it. */
export function shortText(code: string, start: number, end: number): string {
  const text = code.slice(start, end).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Quotes the statement from `start` to `end` of `code` in a note. Where the code was compiled
 * from a `source` the user edits (tsx, tsc; `lineOf` maps a position of the code to its line
 * there), the statement's first line as the source writes it, not the compiled code
 * (`(0,import_trpc.router)({todos:import_todos.todosRouter})` for `router({ todos: todosRouter })`).
 */
export function statementQuote(
  code: string,
  source: string,
  lineOf: (position: number) => number,
): (start: number, end: number) => string {
  if (source === code) return (start, end) => shortText(code, start, end);
  const lines = source.split('\n');
  return (start, end) => {
    const written = lines[lineOf(start) - 1]?.trim();
    return written ? shortText(written, 0, written.length) : shortText(code, start, end);
  };
}

/** Whether `identifier` is the object of an assignment's target (`identifier.x = …`). */
function storedInto(model: ProgramModel, identifier: Identifier): boolean {
  const statement = model.body.find((s) => s.start <= identifier.start && identifier.end <= s.end);
  const visit = (node: AnyNode): boolean => {
    if (node.end < identifier.start || node.start > identifier.end) return false;
    if (node.type === 'AssignmentExpression') {
      const target = node.left as AnyNode;
      if (target.type === 'MemberExpression' && target.object === (identifier as unknown)) return true;
    }
    return childrenOf(node).some(visit);
  };
  return statement !== undefined && visit(statement);
}

/**
 * esbuild's `__export(…)` (getters) and an ES module's `export { a }` are live bindings. Its
 * `export default <expression>` is not: what the expression read, it read once (a changed one
 * is reported by esm-statements.ts). `module.exports = …` and `exports.x = …` count too
 * when `assignments` (for the modules that import a changed export, import-reads.ts); in the
 * module that changed, what they read once is stale unless the patch exports it again
 * (export-updates.ts).
 */
function isExport(node: AnyNode, assignments: boolean): boolean {
  // `export const limit = settings.max` is a declaration: what its initializer read, it read once.
  if (node.type === 'ExportNamedDeclaration') return node.declaration === null;
  if (node.type === 'ExportDefaultDeclaration') {
    const declaration = (node.declaration as AnyNode).type;
    return declaration === 'FunctionDeclaration' || declaration === 'ClassDeclaration';
  }
  if (node.type !== 'ExpressionStatement') return false;
  const expression = node.expression as AnyNode;
  if (expression.type === 'CallExpression') return isNamed(expression.callee as AnyNode, '__export');
  if (!assignments || expression.type !== 'AssignmentExpression') return false;
  const target = expression.left as AnyNode;
  if (target.type !== 'MemberExpression') return false;
  const object = target.object as AnyNode;
  return (
    isNamed(object, 'exports') ||
    (isNamed(object, 'module') && !target.computed && isNamed(target.property as AnyNode, 'exports'))
  );
}

/**
 * `0 && (module.exports = { Role, isRole })`: esbuild's CommonJS output (tsx's, for every
 * TypeScript module) ends with it, names for Node's export lexer to find that never run. What
 * it reads, it never read: a new value of `Role` was said not applied there, a restart offered.
 */
function neverEvaluated(node: AnyNode): boolean {
  if (node.type !== 'ExpressionStatement') return false;
  const expression = node.expression as AnyNode;
  if (expression.type !== 'LogicalExpression' || expression.operator !== '&&') return false;
  const left = expression.left as AnyNode;
  return left.type === 'Literal' && !left.value;
}

export function isNamed(node: AnyNode, name: string): boolean {
  return node.type === 'Identifier' && (node as Identifier).name === name;
}
