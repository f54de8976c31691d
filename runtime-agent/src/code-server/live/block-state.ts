/**
 * A changed top-level statement runs again whole. When it is a block of its own (`if
 * (require.main === module) { const hits = []; app.get('/', () => … hits …); app.listen(…) }`,
 * a cluster worker's `else { … }`) or calls a function where it is written (an async main,
 * `(async () => { const app = express(); … })()`), the variables declared in it are made anew,
 * and the functions it makes again hold the new ones: what the app had put in the running ones
 * is gone. Module variables keep their running values (bind.ts); these cannot, since nothing
 * outside the statement reaches them. So the report names them, as it names a `new …` that
 * replaced a running object (kept-state.ts): applied, with a warning.
 */
import type { Scope } from 'eslint-scope';
import { isFunction, type ProgramModel, type TopStatement } from './program';
import { eachChild, type AnyNode } from './walk';

/** Scopes whose code runs per call or per instance: what they declare is made each time anyway. */
const RUNS_LATER = new Set(['function', 'class-field-initializer', 'class-static-block']);

/**
 * The variables declared in the blocks of `statement` and in the functions it calls where they
 * are written (not in the functions it makes) that a function it makes reads or writes: the
 * state its closures hold. Left out: loop variables (each pass of a loop run again computes
 * them as it did) and constants of a literal value.
 */
export function blockStateOf(model: ProgramModel, statement: AnyNode): string[] {
  const names = new Set<string>();
  const immediate = calledWhereWritten(statement);
  const runsLater = (scope: Scope): boolean => RUNS_LATER.has(scope.type) && !immediate.has(scope.block as AnyNode);
  const visit = (scope: Scope): void => {
    if (runsLater(scope)) return;
    for (const variable of scope.variables) {
      const declared = variable.defs.some(
        (def) => def.type === 'Variable' && !isLoopHead(def.parent, scope) && !isConstantValue(def.node, def.parent),
      );
      if (declared && variable.references.some((reference) => fromFunctionInside(reference.from, scope, runsLater))) {
        names.add(variable.name);
      }
    }
    scope.childScopes.forEach(visit);
  };
  for (const scope of model.moduleScope.childScopes) {
    if (scope.block.start >= statement.start && scope.block.end <= statement.end) visit(scope);
  }
  return [...names];
}

/** The report's note for a statement that ran again, `names` declared in it. */
export function blockStateNote(statement: TopStatement, names: string[]): string {
  const list = names.join(', ');
  const them = names.length === 1 ? 'it' : 'them';
  return (
    `line ${statement.line} ran again, so ${list} (declared in it, held by the functions it makes) ` +
    `started over: what the app had put in ${them} is gone`
  );
}

/** A `for (const x of …)` / `for (let i = 0; …)` head's declaration, in the loop's own scope. */
function isLoopHead(declaration: AnyNode | null, scope: Scope): boolean {
  const loop = scope.block as AnyNode;
  if (loop.type !== 'ForStatement' && loop.type !== 'ForOfStatement' && loop.type !== 'ForInStatement') return false;
  return declaration !== null && (loop.init === declaration || loop.left === declaration);
}

/** `const label = 'requests'`: a value nothing can add to, the same when made again. */
function isConstantValue(declarator: AnyNode, declaration: AnyNode | null): boolean {
  const init = declarator.init as AnyNode | null | undefined;
  if (declaration?.kind !== 'const' || !init) return false;
  return init.type === 'Literal' || (init.type === 'TemplateLiteral' && (init.expressions as AnyNode[]).length === 0);
}

/** Whether `from` lies in a function nested inside `declaring` that runs later than the statement. */
function fromFunctionInside(from: Scope, declaring: Scope, runsLater: (scope: Scope) => boolean): boolean {
  for (let scope: Scope | null = from; scope && scope !== declaring; scope = scope.upper) {
    if (runsLater(scope)) return true;
  }
  return false;
}

/** The functions `statement` calls where they are written (`(async () => { … })()`): they run with it. */
function calledWhereWritten(statement: AnyNode): Set<AnyNode> {
  const found = new Set<AnyNode>();
  const visit = (node: AnyNode): void => {
    if (node.type === 'CallExpression' && isFunction(node.callee as AnyNode)) found.add(node.callee as AnyNode);
    eachChild(node, visit);
  };
  visit(statement);
  return found;
}
