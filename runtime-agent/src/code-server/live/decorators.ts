/**
 * Decorators as compilers write them for the running code: tsc's
 * `__decorate([Get(), __metadata(…)], Cats.prototype, "findAll", null);` and
 * `Cats = __decorate([Controller('cats')], Cats);` (esbuild's `__decorateClass`, swc's
 * `_ts_decorate` likewise). Frameworks read them once, when the app starts (NestJS builds its
 * routes and validation from them), so a changed decorator of a class the app already runs
 * cannot apply in place; the load says so.
 *
 * Two compiles of the same source may differ only in their design-type metadata (tsc with the
 * whole program writes `[CatsService]`, a file compiled alone `[typeof (_a = …) === "function"
 * ? _a : Object]`): a decorator statement is identified without its `__metadata` entries.
 */
import { tokenText } from './shape';
import type { AnyNode } from './walk';

const HELPERS = new Set(['__decorate', '__decorateClass', '_ts_decorate']);

/** The decorated class's name and what identifies the decorators; undefined for any other statement. */
export function decoratorStatement(
  node: AnyNode,
  code: string,
): { className: string; key: string; member: boolean; validatedField?: string } | undefined {
  if (node.type !== 'ExpressionStatement') return undefined;
  let expression = node.expression as AnyNode;
  while (expression.type === 'AssignmentExpression') expression = expression.right as AnyNode;
  const callee = expression.type === 'CallExpression' ? (expression.callee as AnyNode) : undefined;
  if (callee?.type !== 'Identifier' || !HELPERS.has(String(callee.name))) return undefined;
  const [list, target, ...rest] = expression.arguments as AnyNode[];
  if (list?.type !== 'ArrayExpression' || !target) return undefined;
  const className = classOf(target);
  if (!className) return undefined;
  const decorators = (list.elements as Array<AnyNode | null>)
    .filter((e): e is AnyNode => e !== null && !isMetadata(e))
    .map((e) => tokenText(code, e.start, e.end));
  const member = rest.map((a) => tokenText(code, a.start, a.end));
  return { className, key: [className, ...member, ...decorators].join(' | '), member: member.length > 0 };
}

/** `Cats` or `Cats.prototype`: the class a decorator call targets. */
function classOf(target: AnyNode): string | undefined {
  if (target.type === 'Identifier') return String(target.name);
  if (target.type === 'MemberExpression' && !target.computed && (target.object as AnyNode).type === 'Identifier') {
    return String((target.object as AnyNode).name);
  }
  return undefined;
}

/** tsc's `__metadata("design:type", …)` (swc's `_ts_metadata`): design types, not a decorator of the code's own. */
export function isMetadata(element: AnyNode): boolean {
  const callee = element.type === 'CallExpression' ? (element.callee as AnyNode) : undefined;
  return callee?.type === 'Identifier' && (callee.name === '__metadata' || callee.name === '_ts_metadata');
}
