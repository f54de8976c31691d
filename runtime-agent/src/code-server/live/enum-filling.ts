/**
 * tsc's enums: `var Color;` then a function called where it is written that sets the members of
 * the object it is given, made on first use and then the running one:
 *
 *     (function (Color) { Color["Red"] = "red"; Color[Color["Up"] = 0] = "Up"; })(Color || (Color = {}));
 *
 * (CommonJS: `Color || (exports.Color = Color = {})`). A load runs a changed one again on the
 * running object, which sets every member it names: what the running version set is undone by it
 * when the new one names every member the old one did (a new member, a new value). A member taken
 * out stays in the running object, which the load says.
 */
import type { AnyNode } from './walk';

export interface EnumFilling {
  /** The enum's variable. */
  target: string;
  /** The keys it sets: each member's name, and for a number member its value (the reverse mapping). */
  members: string[];
}

/** The enum a top-level statement fills, or undefined for any other statement. */
export function enumFilling(statement: AnyNode): EnumFilling | undefined {
  if (statement.type !== 'ExpressionStatement') return undefined;
  const call = statement.expression as AnyNode;
  if (call.type !== 'CallExpression' || (call.arguments as AnyNode[]).length !== 1) return undefined;
  const fn = call.callee as AnyNode;
  if (fn.type !== 'FunctionExpression') return undefined;
  const params = fn.params as AnyNode[];
  const param = params[0];
  if (params.length !== 1 || param?.type !== 'Identifier') return undefined;
  const given = (call.arguments as AnyNode[])[0]!;
  const target = given.left as AnyNode | undefined;
  if (given.type !== 'LogicalExpression' || given.operator !== '||' || target?.type !== 'Identifier') return undefined;
  const members: string[] = [];
  for (const line of (fn.body as AnyNode).body as AnyNode[]) {
    const set = line.type === 'ExpressionStatement' ? membersSet(line.expression as AnyNode, param.name as string) : [];
    if (set.length === 0) return undefined;
    members.push(...set);
  }
  return { target: target.name as string, members };
}

/** The keys `assignment` sets on `object`: `Color["Red"] = "red"`, `Color[Color["Up"] = 0] = "Up"`; none for anything else. */
function membersSet(assignment: AnyNode, object: string): string[] {
  if (assignment.type !== 'AssignmentExpression' || assignment.operator !== '=') return [];
  const left = assignment.left as AnyNode;
  const owner = left.object as AnyNode | undefined;
  if (left.type !== 'MemberExpression' || !left.computed || owner?.type !== 'Identifier' || owner.name !== object)
    return [];
  const key = left.property as AnyNode;
  if (key.type === 'Literal' && typeof key.value === 'string') return [key.value];
  // A number member: the inner assignment sets its name, the outer its value's name.
  const value = key.right as AnyNode | undefined;
  if (key.type !== 'AssignmentExpression' || value?.type !== 'Literal' || typeof value.value !== 'number') return [];
  const inner = membersSet(key, object);
  return inner.length === 1 ? [...inner, String(value.value)] : [];
}
