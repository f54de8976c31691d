/**
 * The statements of a function that register callbacks on something it was given or something
 * it builds and hands back: the shape of a plugin (`fastify.get('/x', handler)` on its
 * parameter) and of a router factory (`const router = express.Router(); router.get(…); return
 * router;`). Such a function typically runs once, at startup, so what a new version of it
 * registers waits for a call that never comes.
 */
import type { Identifier } from 'acorn';
import { isFunction, names, type FunctionNode } from './program';
import type { AnyNode } from './walk';

export function setupStatements(node: FunctionNode): AnyNode[] {
  const body = node.body;
  if (body.type !== 'BlockStatement') return [];
  const statements = body.body as AnyNode[];
  // Its parameters, and the locals it returns: not a local array it merely iterates with forEach.
  const receivers = new Set([...(node.params as AnyNode[]).flatMap((p) => names(p)), ...returnedLocals(statements)]);
  return statements.filter((statement) => {
    const call = statement.type === 'ExpressionStatement' ? (statement.expression as AnyNode) : undefined;
    if (call?.type !== 'CallExpression' || (call.callee as AnyNode).type !== 'MemberExpression') return false;
    const receiver = (call.callee as AnyNode).object as AnyNode;
    return (
      receiver.type === 'Identifier' &&
      receivers.has((receiver as Identifier).name) &&
      (call.arguments as AnyNode[]).some((a) => isFunction(a))
    );
  });
}

/** The names in `return name;` among the body's own statements that the body declares. */
function returnedLocals(statements: AnyNode[]): string[] {
  const declared = new Set(
    statements
      .filter((s) => s.type === 'VariableDeclaration')
      .flatMap((s) => (s.declarations as AnyNode[]).flatMap((d) => names(d.id as AnyNode))),
  );
  return statements
    .filter((s) => s.type === 'ReturnStatement' && (s.argument as AnyNode | null)?.type === 'Identifier')
    .map((s) => (s.argument as AnyNode as Identifier).name)
    .filter((name) => declared.has(name));
}
