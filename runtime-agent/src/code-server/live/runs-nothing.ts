/**
 * Whether evaluating a patch runs none of the app's code. Such a version can be prepared ahead
 * of its save, while the user types (agent/prepare's `ahead`, issue 13): nothing of the app may
 * run before the save.
 *
 * Decided from the patch's structure. Every statement of the new version is the running one's
 * (its functions' bodies aside), or one whose evaluation runs nothing of the app:
 * - a function declaration the running version has too (hoisted; its body is registered);
 * - a declaration of names whose values are literals (`const VERSION = '2'`, `let limit = 60 *
 *   1000`): rebound, or added;
 * - an export of a literal (`exports.vsn = '2'`, `module.exports.limit = 10`), which writes the
 *   version's copy of the exports (`writesExports`: the code server checks that it is a copy).
 * Every running statement not kept is replaced by one of these (none is taken back), and a class
 * evaluated again is one whose evaluation only defines it (classDefinesOnly).
 */
import type { TopStatement } from './program';
import type { AnyNode } from './walk';

/** What the matching of statements knows of a running statement. */
interface RunningStatement {
  declaration?: string;
  declares: readonly string[];
  assigns: string | undefined;
}

export interface PatchParts {
  /** Statements of the new version (directives included), and of the running one. */
  statements: readonly TopStatement[];
  runningStatements: readonly RunningStatement[];
  /** New statement index → running index, for the statements kept. */
  matched: ReadonlyMap<number, number>;
  /** Code appended to the patch other than new function bodies (export updates, field initializers, decorators handed over). */
  appendsOtherCode: boolean;
  /** Anything else the patch does at its evaluation: functions registering anew, private methods compiled, imports fetched. */
  otherWork: boolean;
  /** The class nodes the patch evaluates again. */
  classesEvaluated: readonly AnyNode[];
}

/** `runsNothing`; `writesExports` when it does so by assigning literals to the exports. */
export function runsNothing(parts: PatchParts): { runsNothing: boolean; writesExports: boolean } {
  const no = { runsNothing: false, writesExports: false };
  if (parts.appendsOtherCode || parts.otherWork || !parts.classesEvaluated.every(classDefinesOnly)) return no;
  const runningFunctions = new Set(
    parts.runningStatements.flatMap((s) => (s.declaration === 'function' ? s.declares : [])),
  );
  const declaredNow = new Set<string>();
  const assignedNow = new Set<string>();
  let writesExports = false;
  for (const [index, statement] of parts.statements.entries()) {
    if (parts.matched.has(index)) continue;
    const { node } = statement;
    if (statement.declaration === 'function') {
      if (!statement.declares.every((name) => runningFunctions.has(name))) return no;
    } else if (node.type === 'VariableDeclaration') {
      const literals = (node.declarations as AnyNode[]).every(
        (d) => d.id.type === 'Identifier' && d.init && isLiteralValue(d.init),
      );
      if (!literals) return no;
    } else if (statement.assigns !== undefined && exportOfLiteral(node)) {
      writesExports = true;
      assignedNow.add(statement.assigns);
    } else {
      return no;
    }
    for (const name of statement.declares) declaredNow.add(name);
  }
  const kept = new Set(parts.matched.values());
  const replaced = (s: RunningStatement): boolean =>
    (s.declares.length > 0 && s.declares.every((name) => declaredNow.has(name))) ||
    (s.assigns !== undefined && assignedNow.has(s.assigns));
  if (!parts.runningStatements.every((s, i) => kept.has(i) || replaced(s))) return no;
  return { runsNothing: true, writesExports };
}

/** A literal, or operators over literals (`60 * 1000`, `` `v${2}` ``): computed, it runs nothing of the app. */
function isLiteralValue(node: AnyNode): boolean {
  switch (node.type) {
    case 'Literal':
      return true;
    case 'TemplateLiteral':
      return (node.expressions as AnyNode[]).every(isLiteralValue);
    case 'UnaryExpression':
      return node.operator !== 'delete' && isLiteralValue(node.argument);
    case 'BinaryExpression':
    case 'LogicalExpression':
      return isLiteralValue(node.left) && isLiteralValue(node.right);
    default:
      return false;
  }
}

/** `exports.name = literal;` or `module.exports.name = literal;` */
function exportOfLiteral(node: AnyNode): boolean {
  const expression = node.type === 'ExpressionStatement' ? node.expression : undefined;
  if (expression?.type !== 'AssignmentExpression' || expression.operator !== '=') return false;
  const target = expression.left;
  if (target.type !== 'MemberExpression' || target.computed || target.property.name === '__proto__') return false;
  const object = target.object;
  const isExports =
    (object.type === 'Identifier' && object.name === 'exports') ||
    (object.type === 'MemberExpression' &&
      !object.computed &&
      object.object.type === 'Identifier' &&
      object.object.name === 'module' &&
      object.property.name === 'exports');
  return isExports && isLiteralValue(expression.right);
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
