/**
 * Whether evaluating a patch runs none of the app's code: it only makes new function bodies.
 * Such a version can be prepared ahead of its save, while the user types (agent/prepare's
 * `ahead`, issue 13): nothing of the app may run before the save, and a patch that runs a
 * statement, evaluates a decorated class again or rebinds a variable would.
 *
 * Decided from the patch's structure: every statement is the running one's (its functions'
 * bodies aside), and a class evaluated again is one whose evaluation only defines its methods.
 */
import type { AnyNode } from './walk';

/** What the matching of statements needs of a statement: its kind of declaration and the names it declares. */
interface StatementParts {
  declaration?: string;
  declares: readonly string[];
}

export interface PatchParts {
  /** Statements of the new version (directives included), and of the running one. */
  statements: readonly StatementParts[];
  runningStatements: readonly StatementParts[];
  /** New statement index → running index, for the statements kept. */
  matched: ReadonlyMap<number, number>;
  /** Whether the report says something ran, was rebound or added. */
  ranOrBound: boolean;
  /** Code appended to the patch other than new function bodies (export updates, field initializers, decorators handed over). */
  appendsOtherCode: boolean;
  /** Anything else the patch does at its evaluation: functions registering anew, private methods compiled, imports fetched. */
  otherWork: boolean;
  /** The class nodes the patch evaluates again. */
  classesEvaluated: readonly AnyNode[];
}

export function runsNothing(parts: PatchParts): boolean {
  // A function declaration changed is not the running statement, but evaluating it only
  // declares the function (hoisted) and gives the running one its body.
  const functions = (list: readonly StatementParts[]): Set<string> =>
    new Set(list.flatMap((s) => (s.declaration === 'function' ? s.declares : [])));
  const running = functions(parts.runningStatements);
  const next = functions(parts.statements);
  const kept = new Set(parts.matched.values());
  const renewed = (s: StatementParts, names: Set<string>): boolean =>
    s.declaration === 'function' && s.declares.length > 0 && s.declares.every((name) => names.has(name));
  return (
    parts.statements.every((s, i) => parts.matched.has(i) || renewed(s, running)) &&
    parts.runningStatements.every((s, i) => kept.has(i) || renewed(s, next)) &&
    !parts.ranOrBound &&
    !parts.appendsOtherCode &&
    !parts.otherWork &&
    parts.classesEvaluated.every(classDefinesOnly)
  );
}

/**
 * Whether evaluating the class runs no code but its definition: no decorators, no static
 * fields or blocks, no computed member names, and a superclass that is a name (or a property
 * of one), not a call. Instance fields run at construction, not here.
 */
export function classDefinesOnly(node: AnyNode): boolean {
  if (node.decorators?.length) return false;
  if (node.superClass && !isNamePath(node.superClass)) return false;
  const members = (node.body?.body ?? []) as AnyNode[];
  return members.every((member) => {
    if (member.type === 'StaticBlock') return false;
    if (member.decorators?.length) return false;
    if (member.computed && member.key.type !== 'Literal') return false;
    return !(member.type === 'PropertyDefinition' && member.static);
  });
}

/** `Base` or `pkg.Base`: read, not run. */
function isNamePath(node: AnyNode): boolean {
  if (node.type === 'Identifier') return true;
  return node.type === 'MemberExpression' && !node.computed && isNamePath(node.object);
}

/** A prepare ahead of its save (agent/prepare's `ahead`) refused: nothing was evaluated. */
export class RunsAppCodeError extends Error {
  constructor(file: string, what = "evaluating the version would run the app's code") {
    super(`${file}: not prepared ahead of its save: ${what}; its save prepares it`);
    this.name = 'RunsAppCodeError';
  }
}
