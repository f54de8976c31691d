/**
 * Whether an expression's value can never be a function, read from its syntax alone. An ES
 * module's exported constant whose value its code makes (`export const greet =
 * makeGreeter('hello')`) reaches its importers through the module's facade, so that one its
 * importers took at startup (a handler registered once) follows the new function a load makes
 * (esm-facade.ts). A facade is a second module record for each such module, most of what the
 * agent added to the start of an app of ES modules (issue 13: 2,000 modules of ≈70 lines
 * started in 2.7 s with facades, 2.0 s without, 1.0 s with no agent), and a value that is never
 * a function needs none: an importer holds the object itself either way
 * (`export const service = new Service()`, `export const config = { … }`, `export const
 * TIMEOUT_MS = TIMEOUT_S * 1000`), and reads a load's new value through the module's own
 * binding.
 *
 * A call of a built-in that never makes one counts too (`Object.freeze({ … })`, `Number(…)`,
 * `JSON.parse(…)`), as does `process.env.PORT`, where the module does not bind the global's
 * name itself. What it cannot tell (another call, a name, a property, an `await`) may be a
 * function, as may `new Function(…)` and `new Proxy(…)`. Only a class of the app's whose
 * constructor returns a function would be read wrongly; an importer that took such a value
 * once is then named when a load changes it, as for any export a module assigns
 * (stale-reads.ts).
 */
import type { AnyNode } from './walk';

/** Constructors whose `new` makes a function. */
const FUNCTION_CONSTRUCTORS = new Set(['Function', 'AsyncFunction', 'GeneratorFunction', 'Proxy']);

/** Built-in functions whose result is never a function: a primitive, or a new object or array. */
const MAKE_NO_FUNCTION = new Set([
  'Number',
  'String',
  'Boolean',
  'BigInt',
  'Symbol',
  'parseInt',
  'parseFloat',
  'structuredClone',
  'Symbol.for',
  'JSON.parse',
  'JSON.stringify',
  'Object.fromEntries',
  'Object.keys',
  'Object.values',
  'Object.entries',
  'Object.create',
  'Array.from',
  'Array.of',
  'Date.now',
  'Number.parseInt',
  'Number.parseFloat',
]);
/** Built-in functions that return their first argument (`Object.freeze(settings)`). */
const RETURN_THEIR_FIRST = new Set(['Object.freeze', 'Object.seal', 'Object.preventExtensions', 'Object.assign']);

/**
 * `node`'s value is never a function; `bindsName` says whether the module binds a name itself
 * (`const Object = …`, an import), which is then not the built-in.
 */
export function neverAFunction(node: AnyNode, bindsName: (name: string) => boolean = () => false): boolean {
  const never = (part: AnyNode): boolean => neverAFunction(part, bindsName);
  switch (node.type) {
    // The last three make primitives: `-x`, `typeof x`, `a * b`, `a + b` (a string or a number), `i++`.
    case 'Literal':
    case 'TemplateLiteral':
    case 'ObjectExpression':
    case 'ArrayExpression':
    case 'UnaryExpression':
    case 'BinaryExpression':
    case 'UpdateExpression':
      return true;
    case 'NewExpression':
      return !FUNCTION_CONSTRUCTORS.has(constructorName(node.callee as AnyNode));
    case 'LogicalExpression':
      return never(node.left as AnyNode) && never(node.right as AnyNode);
    case 'ConditionalExpression':
      return never(node.consequent as AnyNode) && never(node.alternate as AnyNode);
    case 'SequenceExpression':
      return never((node.expressions as AnyNode[]).at(-1)!);
    case 'ParenthesizedExpression':
      return never(node.expression as AnyNode);
    case 'CallExpression': {
      const name = builtInName(node.callee as AnyNode, bindsName);
      if (name === undefined || node.optional) return false;
      if (MAKE_NO_FUNCTION.has(name) || name.startsWith('Math.')) return true;
      const first = (node.arguments as AnyNode[])[0];
      return RETURN_THEIR_FIRST.has(name) && first !== undefined && first.type !== 'SpreadElement' && never(first);
    }
    case 'MemberExpression':
      // Node keeps the environment's values as strings.
      return builtInName(node.object as AnyNode, bindsName) === 'process.env';
    default:
      return false;
  }
}

/**
 * The dotted name of a global the module does not bind itself, as written (`Object.freeze`,
 * `process.env`); undefined for anything else.
 */
function builtInName(node: AnyNode, bindsName: (name: string) => boolean): string | undefined {
  if (node.type === 'Identifier') return bindsName(node.name as string) ? undefined : (node.name as string);
  if (node.type !== 'MemberExpression' || node.computed || node.optional) return undefined;
  const object = builtInName(node.object as AnyNode, bindsName);
  return object === undefined ? undefined : `${object}.${(node.property as AnyNode).name as string}`;
}

/** The name a `new` calls: `Proxy` in `new Proxy(…)` and in `new globalThis.Proxy(…)`. */
function constructorName(callee: AnyNode): string {
  if (callee.type === 'Identifier') return callee.name as string;
  if (callee.type === 'MemberExpression' && !callee.computed) return (callee.property as AnyNode).name as string;
  if (callee.type === 'ParenthesizedExpression') return constructorName(callee.expression as AnyNode);
  // `new (cond ? A : B)()`, `new obj[key]()`: cannot tell.
  return 'Function';
}
