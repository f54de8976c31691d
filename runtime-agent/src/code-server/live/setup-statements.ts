/**
 * The statements of a function that register callbacks on something it was given, something
 * it builds and hands back, or something its instance holds: the shape of a plugin
 * (`fastify.get('/x', handler)` on its parameter, `fastify.decorate('tasks', { add() {…} })`
 * handing over an object's methods), of a router factory (`const router =
 * express.Router(); router.get(…); return router;`) and of a controller's setup method
 * (`this.router.get(this.path, this.getAllPosts)`, called from its constructor). Such a
 * function typically runs once, at startup, so what a new version of it registers waits for a
 * call that never comes.
 */
import type { Identifier } from 'acorn';
import { instanceFields } from './fields';
import { isFunction, keyName, names, type ClassNode, type FunctionNode } from './program';
import type { AnyNode } from './walk';

/**
 * `owner`: the class `node` is a method of, whose methods it may pass along (`this.getAllPosts`).
 * `namesFunction`: whether an identifier the function passes names a function of its module
 * (`router.use(stampRequests)`, `function stampRequests(req, res, next) {…}` above it).
 */
export function setupStatements(
  node: FunctionNode,
  owner?: ClassNode,
  namesFunction: (identifier: Identifier) => boolean = () => false,
): AnyNode[] {
  const body = node.body;
  if (body.type !== 'BlockStatement') return [];
  const statements = body.body as AnyNode[];
  // Most functions have no statement of that form (`x.y(…, callback)`): they need nothing else.
  const ownsThis = node.type !== 'ArrowFunctionExpression';
  const handsOver = (call: AnyNode): boolean => {
    const args = call.arguments as AnyNode[];
    const method = keyName((call.callee as AnyNode).property as AnyNode);
    return args.some(
      (a, index) =>
        handsOverCode(a) || madeFromCode(a, index, method) || handlerNamed(a, index, args, method, namesFunction),
    );
  };
  const calls = statements.filter((statement) => {
    const call = statement.type === 'ExpressionStatement' ? (statement.expression as AnyNode) : undefined;
    if (call?.type !== 'CallExpression' || (call.callee as AnyNode).type !== 'MemberExpression') return false;
    return handsOver(call) || (ownsThis && (call.arguments as AnyNode[]).some((a) => a.type === 'MemberExpression'));
  });
  if (calls.length === 0) return [];
  // Its parameters, and the locals it returns: not a local array it merely iterates with forEach.
  const receivers = new Set([...(node.params as AnyNode[]).flatMap((p) => names(p)), ...returnedLocals(statements)]);
  // A method's (or constructor's) `this.router`: what its instance was built with at startup.
  const instanceFunctions = instanceFunctionsOf(owner);
  const isInstanceFunction = (argument: AnyNode): boolean =>
    argument.type === 'MemberExpression' &&
    !argument.computed &&
    (argument.object as AnyNode).type === 'ThisExpression' &&
    instanceFunctions.has(keyName(argument.property as AnyNode));
  const isReceiver = (receiver: AnyNode): boolean =>
    receiver.type === 'Identifier'
      ? receivers.has((receiver as Identifier).name)
      : ownsThis &&
        receiver.type === 'MemberExpression' &&
        !receiver.computed &&
        (receiver.object as AnyNode).type === 'ThisExpression';
  return calls.filter((statement) => {
    const call = statement.expression as AnyNode;
    const args = call.arguments as AnyNode[];
    // A callback written there, or a function of the instance passed along (`this.getAllPosts`;
    // `this.history.push(this.n)` passes data).
    const registers = handsOver(call) || (ownsThis && args.some(isInstanceFunction));
    return isReceiver((call.callee as AnyNode).object as AnyNode) && registers;
  });
}

/**
 * A function written as the argument, or an object written there with one among its own
 * properties (a decorator's methods, Fastify's `route({ handler })`): the receiver keeps them.
 */
function handsOverCode(argument: AnyNode): boolean {
  if (isFunction(argument)) return true;
  return (
    argument.type === 'ObjectExpression' &&
    (argument.properties as AnyNode[]).some((p) => p.type === 'Property' && isFunction(p.value as AnyNode))
  );
}

/**
 * An object made on the spot from code written there: the receiver keeps the object, and the
 * object keeps the code. A constructed one (`passport.use(new LocalStrategy(options, verify))`, a
 * job's `new CronJob(…, tick)`), or a handler wrapped by a call where `use` or a route method takes
 * one (`router.get('/', asyncHandler(async (req, res) => {…}))`). Not any call's:
 * `res.json(items.map((i) => i.name))` hands over data made by code, and `jobs.push(new
 * Promise((resolve) => …))` a promise, whose executor has run.
 */
function madeFromCode(argument: AnyNode, index: number, method: string): boolean {
  const wraps =
    (argument.type === 'NewExpression' && !isPromise(argument.callee as AnyNode)) ||
    (argument.type === 'CallExpression' && (method === 'use' || (ROUTE_METHODS.has(method) && index > 0)));
  return wraps && (argument.arguments as AnyNode[]).some(handsOverCode);
}

/** `Promise`: `new Promise(executor)` runs its executor at once, and nothing keeps it. */
function isPromise(callee: AnyNode): boolean {
  return callee.type === 'Identifier' && (callee as Identifier).name === 'Promise';
}

/**
 * A handler passed by reference: an identifier that names a function of the module, or a
 * handler by convention, whatever it is bound to (an import, a parameter): `use`'s arguments,
 * and a route method's after its path (`router.delete('/:id', remove)`, not `cache.delete(id)`).
 * A property of an object (`controller.search`, `controller.get.bind(controller)`, the
 * controller a DI container resolved) counts as one where `use` takes it, or after a path
 * written there (`router.get('/search', …)`): as data, a property is passed far more often
 * (`db.query(sql, options.params)`, `this.client.post(this.url, this.body)`).
 */
function handlerNamed(
  argument: AnyNode,
  index: number,
  args: AnyNode[],
  method: string,
  namesFunction: (identifier: Identifier) => boolean,
): boolean {
  if (argument.type === 'Identifier' && namesFunction(argument as Identifier)) return true;
  if (method === 'use' && isReference(argument)) return true;
  if (!ROUTE_METHODS.has(method) || method === 'route' || index === 0) return false;
  return argument.type === 'Identifier' ? args.length > 1 : isReference(argument) && isPath(args[0]!);
}

/** A route's path written as a string or template that starts with `/` (`'/search'`, `` `/${base}` ``). */
function isPath(node: AnyNode): boolean {
  if (node.type === 'Literal') return typeof node.value === 'string' && node.value.startsWith('/');
  if (node.type !== 'TemplateLiteral') return false;
  const first = (node.quasis as AnyNode[])[0];
  return typeof first?.value?.cooked === 'string' && first.value.cooked.startsWith('/');
}

/** A name, a property read off one (`a.b.c`, `this.a`), or such a reference bound (`a.b.bind(a)`). */
function isReference(node: AnyNode): boolean {
  if (node.type === 'Identifier') return true;
  if (node.type === 'MemberExpression') {
    const object = node.object as AnyNode;
    return !node.computed && (object.type === 'ThisExpression' || isReference(object));
  }
  if (node.type !== 'CallExpression') return false;
  const callee = node.callee as AnyNode;
  return (
    callee.type === 'MemberExpression' &&
    !callee.computed &&
    keyName(callee.property as AnyNode) === 'bind' &&
    isReference(callee.object as AnyNode)
  );
}

/** The names of a class's instance methods and of its fields that hold functions. */
function instanceFunctionsOf(owner: ClassNode | undefined): Set<string> {
  if (!owner) return new Set();
  const methods = owner.body.body
    .filter((m) => m.type === 'MethodDefinition' && !m.static && m.kind === 'method' && !m.computed)
    .map((m) => keyName(m.key as AnyNode));
  const fields = instanceFields(owner)
    .filter((field) => isFunction(field.value))
    .map((field) => field.name);
  return new Set([...methods, ...fields]);
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

/** The methods that add a route: Fastify's, Express's and Koa's routers' (`all` too), and `route({ … })`. */
export const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'del',
  'head',
  'options',
  'trace',
  'query',
  'all',
  'route',
]);

/** Whether a setup statement (`x.get('/path', handler)`, see setupStatements) adds a route. */
export function addsRoute(statement: AnyNode): boolean {
  const callee = (statement.expression as AnyNode | undefined)?.callee as AnyNode | undefined;
  return (
    callee?.type === 'MemberExpression' && !callee.computed && ROUTE_METHODS.has(keyName(callee.property as AnyNode))
  );
}
