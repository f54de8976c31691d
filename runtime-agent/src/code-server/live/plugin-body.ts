/**
 * Whether a plugin function's body can run again on the instance it was given without making
 * anything twice or anew besides its routes (see fastify-plugins.ts): each of its statements
 * declares (a function, a constant of literals, functions and names: a route's schema, a
 * handler) or calls one of Fastify's methods on the instance it was given: one that adds a route
 * (`fastify.get(…)`), run again, or one of SET_UP_ONCE (`await fastify.register(…)`,
 * `fastify.addHook(…)`), which its unchanged statements already did. A variable it assigns, an object it makes with `new` or by a
 * call (`const cache = new Map()`), a timer it starts, anything else is state or an effect its
 * routes would see made anew, or made twice: such a plugin needs a restart.
 */
import { isFunction, keyName, type FunctionNode } from './program';
import { ROUTE_METHODS } from './setup-statements';
import type { AnyNode } from './walk';

/** Fastify's methods that set an instance up once: a plugin that runs again leaves them as they are. */
export const SET_UP_ONCE: ReadonlySet<string> = new Set([
  'register',
  'after',
  'addHook',
  'decorate',
  'decorateRequest',
  'decorateReply',
  'addSchema',
  'addContentTypeParser',
  'removeContentTypeParser',
  'removeAllContentTypeParsers',
  'addConstraintStrategy',
  'addHttpMethod',
  'setErrorHandler',
  'setNotFoundHandler',
  'setValidatorCompiler',
  'setSerializerCompiler',
  'setSchemaController',
  'setSchemaErrorFormatter',
  'setReplySerializer',
  'setGenReqId',
  'setChildLoggerFactory',
]);

export function declaresOnly(fn: FunctionNode): boolean {
  const [first] = fn.params as AnyNode[];
  const body = fn.body as AnyNode;
  if (first?.type !== 'Identifier' || body.type !== 'BlockStatement') return false;
  const instance = first.name as string;
  return (body.body as AnyNode[]).every((statement) => declares(statement) || callsInstance(statement, instance));
}

function declares(statement: AnyNode): boolean {
  if (statement.type === 'FunctionDeclaration' || statement.type === 'EmptyStatement') return true;
  if (statement.type === 'ReturnStatement') return statement.argument === null;
  if (statement.type !== 'VariableDeclaration' || statement.kind !== 'const') return false;
  return (statement.declarations as AnyNode[]).every(
    (declarator) =>
      (declarator.id as AnyNode).type === 'Identifier' && constantValue(declarator.init as AnyNode | null),
  );
}

/** A literal, a function, a name read, or an object or array of those. */
function constantValue(node: AnyNode | null): boolean {
  if (!node) return false;
  if (node.type === 'Literal' || node.type === 'Identifier' || isFunction(node)) return true;
  if (node.type === 'TemplateLiteral') return (node.expressions as AnyNode[]).length === 0;
  if (node.type === 'UnaryExpression') return constantValue(node.argument as AnyNode);
  if (node.type === 'MemberExpression') return !node.computed && constantValue(node.object as AnyNode);
  if (node.type === 'ArrayExpression')
    return (node.elements as Array<AnyNode | null>).every((e) => e === null || constantValue(e));
  if (node.type === 'ObjectExpression') {
    return (node.properties as AnyNode[]).every(
      (p) => p.type === 'Property' && !p.computed && constantValue(p.value as AnyNode),
    );
  }
  return false;
}

/** `instance.method(…);` or `await instance.method(…);`. */
function callsInstance(statement: AnyNode, instance: string): boolean {
  if (statement.type !== 'ExpressionStatement') return false;
  let expression = statement.expression as AnyNode;
  if (expression.type === 'AwaitExpression') expression = expression.argument as AnyNode;
  if (expression.type !== 'CallExpression') return false;
  const callee = expression.callee as AnyNode;
  if (callee.type !== 'MemberExpression' || callee.computed) return false;
  const object = callee.object as AnyNode;
  const method = keyName(callee.property as AnyNode);
  return (
    object.type === 'Identifier' && object.name === instance && (ROUTE_METHODS.has(method) || SET_UP_ONCE.has(method))
  );
}
