/**
 * Whether a function that ran once, at startup, can run again on what it was given without
 * making anything twice or anew besides its routes: a Fastify plugin on its instance
 * (fastify-plugins.ts), a controller's setup method on its instance (method-rerun.ts). Each of
 * its statements declares (a function, a constant of literals, functions and names: a route's
 * schema, a handler) or calls a method that adds a route (`fastify.get(…)`,
 * `this.router.get(…)`), run again in place of what it added; a plugin may also call one of
 * SET_UP_ONCE on its instance (`fastify.addHook(…)`), which its unchanged statements already did.
 * A variable it assigns (`this.hits = 0`), an object it makes with `new` or by a call (`const
 * cache = new Map()`), a timer it starts, a plugin it registers (one wrapped in fastify-plugin
 * shares its instance, and its routes: they would go with the plugin's), anything else is state
 * or an effect its routes would see made anew, or made twice: such a function needs a restart.
 */
import { isFunction, keyName, type FunctionNode } from './program';
import { ROUTE_METHODS } from './setup-statements';
import type { AnyNode } from './walk';

/** Fastify's methods that set an instance up once: a plugin that runs again leaves them as they are. */
export const SET_UP_ONCE: ReadonlySet<string> = new Set([
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

/** A plugin `(fastify, options) => { … }` that can run again on its instance (see above). */
export function pluginRunsAgain(fn: FunctionNode): boolean {
  const [first] = fn.params as AnyNode[];
  const body = fn.body as AnyNode;
  if (first?.type !== 'Identifier' || body.type !== 'BlockStatement' || fn.generator) return false;
  const instance = first.name as string;
  return (body.body as AnyNode[]).every(
    (statement) =>
      declares(statement) ||
      calls(
        statement,
        (receiver, method) => isNamed(receiver, instance) && (ROUTE_METHODS.has(method) || SET_UP_ONCE.has(method)),
      ),
  );
}

/**
 * A method without parameters that can run again on its instance, at once (not async: what it
 * added after an await would come when the load has ended): it only declares and adds routes
 * on its instance's routers (`this.router.get(…)`, `this.router.use(…)`).
 */
export function methodRunsAgain(fn: FunctionNode): boolean {
  const body = fn.body as AnyNode;
  if (fn.params.length > 0 || fn.async || fn.generator || body.type !== 'BlockStatement') return false;
  return (body.body as AnyNode[]).every(
    (statement) =>
      declares(statement) ||
      calls(
        statement,
        (receiver, method) =>
          (ROUTE_METHODS.has(method) || method === 'use') &&
          receiver.type === 'MemberExpression' &&
          (receiver.object as AnyNode).type === 'ThisExpression',
        false,
      ),
  );
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

/** `receiver.method(…);` (or awaited, where `awaits`) for a receiver and method `accepts` takes. */
function calls(statement: AnyNode, accepts: (receiver: AnyNode, method: string) => boolean, awaits = true): boolean {
  if (statement.type !== 'ExpressionStatement') return false;
  let expression = statement.expression as AnyNode;
  if (awaits && expression.type === 'AwaitExpression') expression = expression.argument as AnyNode;
  if (expression.type !== 'CallExpression') return false;
  const callee = expression.callee as AnyNode;
  if (callee.type !== 'MemberExpression' || callee.computed) return false;
  return accepts(callee.object as AnyNode, keyName(callee.property as AnyNode));
}

function isNamed(node: AnyNode, name: string): boolean {
  return node.type === 'Identifier' && node.name === name;
}
