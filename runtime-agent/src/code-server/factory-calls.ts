/**
 * Of the statements that called a router factory at startup, those that can run again for it
 * (see route-rebuild.ts): a call and nothing else, or the declaration of the router with the
 * calls that mount it.
 */
import type { LiveModule } from './live';
import { readProgram, type ProgramModel } from './live/program';
import type { AnyNode } from './live/walk';
import type { HotModule } from './module-version';

/**
 * Of the statements that called a router factory, those that can run again (`found`, narrowed
 * in place): a call and nothing else (`app.use('/users', makeUserRoutes())`), or a declaration
 * of the router whose every top-level reader is such a call (`const stats = makeStatsRouter();
 * app.use(stats.routes());`): they run again together, the new router mounted where the old one
 * was. Any other declaration, an assignment or an export (`module.exports = makeUserRoutes();`)
 * would make a new router that what mounted the old one never sees, while the old one lost its
 * routes.
 */
export function onlyCalls(
  found: Map<LiveModule, Set<object>>,
  modules: Map<string, HotModule>,
  factory?: string,
): Map<LiveModule, Set<object>> {
  for (const [owner, statements] of found) {
    const module = modules.get(owner.file);
    const version = module?.current.live;
    for (const statement of [...statements]) {
      const index = version ? version.scope.statementIds.indexOf(statement) : -1;
      const digest = index >= 0 ? version!.digest.statements[index] : undefined;
      if (digest?.callOnly) continue;
      statements.delete(statement);
      const readers =
        factory && digest && digest.declares.length === 1
          ? callsReading(module!, digest.declares[0]!, factory)
          : undefined;
      if (readers) for (const id of [statement, ...readers]) statements.add(id);
    }
    if (statements.size === 0) found.delete(owner);
  }
  return found;
}

/**
 * The statements of `module`'s running version that mount the router its declaration of `name`
 * made by calling `factory` (`const stats = makeStatsRouter(store)`): each top-level read of
 * `name` must be in the arguments of a call that is all its statement (`app.use(stats.routes())`).
 * Undefined otherwise: a declaration that made more than the router (`const app = new App()`,
 * whose constructor called the factory), or a read that is not a mount (`app.listen()`) would
 * run again with it and make the app's other state anew. Read from the version's code (the
 * digest keeps no references), only when a rebuild asks.
 */
function callsReading(module: HotModule, name: string, factory: string): object[] | undefined {
  const version = module.current.live;
  if (!version) return undefined;
  let model: ProgramModel;
  try {
    model = readProgram(module.current.code, undefined, module.format);
  } catch {
    return undefined;
  }
  const statementAt = (at: number): number =>
    model.statements.findIndex((s) => (s.outer ?? s.node).start <= at && at < (s.outer ?? s.node).end);
  const variable = model.moduleScope.variables.find((v) => v.name === name);
  const declarator = variable?.defs[0]?.node as AnyNode | undefined;
  if (!declarator || !callsFactory(declarator.init as AnyNode | null, factory)) return undefined;
  const indexes = new Set<number>();
  for (const reference of variable!.references) {
    if (!reference.isRead() || reference.from.variableScope.block !== model.moduleScope.block) continue;
    const at = (reference.identifier as { start: number }).start;
    const index = statementAt(at);
    const statement = model.statements[index]?.node;
    if (!version.digest.statements[index]?.callOnly || !inArguments(statement, at)) return undefined;
    indexes.add(index);
  }
  if (indexes.size === 0) return undefined;
  return [...indexes].map((index) => version.scope.statementIds[index]!);
}

/** `factory(…)`, or a compiler's `(0, routes_1.factory)(…)`: a call of the factory, nothing around it. */
function callsFactory(init: AnyNode | null, factory: string): boolean {
  let callee = init?.type === 'CallExpression' ? (init.callee as AnyNode) : undefined;
  if (callee?.type === 'SequenceExpression') callee = (callee.expressions as AnyNode[]).at(-1);
  if (callee?.type === 'MemberExpression' && !callee.computed) callee = callee.property as AnyNode;
  return callee?.type === 'Identifier' && callee.name === factory;
}

/** Whether position `at` is inside the arguments of the call that `statement` is. */
function inArguments(statement: AnyNode | undefined, at: number): boolean {
  const call = statement?.type === 'ExpressionStatement' ? (statement.expression as AnyNode) : undefined;
  if (call?.type !== 'CallExpression') return false;
  return (call.arguments as AnyNode[]).some((argument) => argument.start <= at && at < argument.end);
}
