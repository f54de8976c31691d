/**
 * Instance fields a new version of a class adds, for the instances made before it (Dart and
 * Smalltalk give existing objects a class's new fields too): a class field with an
 * initializer (`cache = new Map()`), or a constructor's own `this.cache = new Map()` (how tsc
 * writes fields below ES2022, as in NestJS apps). The class's prototype gets an accessor that,
 * the first time an older instance reads or writes the field, gives that instance the field as
 * its own property, evaluating the initializer with `this` the instance. Instances the new
 * constructor makes have the field as their own from the start, so the accessor never runs
 * for them.
 *
 * An initializer that reads the constructor's parameters or locals cannot be evaluated
 * without them: that field is reported instead.
 */
import type { Identifier } from 'acorn';
import type { Digest } from './digest';
import type { Edits } from './edits';
import { HP, type SlotTable } from './instrument';
import type { PatchReport } from './patch';
import { KEY_SEPARATOR, keyName, type ClassNode, type FunctionNode, type ProgramModel } from './program';
import type { AnyNode } from './walk';

export interface InstanceField {
  name: string;
  /** The initializer. */
  value: AnyNode;
  /** The constructor the field is assigned in, if it is (its parameters and locals are out of reach later). */
  assignedIn?: FunctionNode;
  /** There: the statement `this.name = value;`. */
  statement?: AnyNode;
}

/** The instance fields of a class: its fields with an initializer and its constructor's `this.x = …` statements. */
export function instanceFields(node: ClassNode): InstanceField[] {
  const fields: InstanceField[] = [];
  for (const member of node.body.body) {
    if (member.type === 'PropertyDefinition' && !member.static && !member.computed && member.value) {
      if ((member.key as AnyNode).type !== 'PrivateIdentifier')
        fields.push({ name: keyName(member.key as AnyNode), value: member.value as AnyNode });
    }
    if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
      const constructor = member.value as FunctionNode;
      for (const statement of (constructor.body.body ?? []) as AnyNode[]) {
        const assignment = statement.type === 'ExpressionStatement' ? (statement.expression as AnyNode) : undefined;
        if (assignment?.type !== 'AssignmentExpression' || assignment.operator !== '=') continue;
        const target = assignment.left as AnyNode;
        if (
          target.type !== 'MemberExpression' ||
          target.computed ||
          (target.object as AnyNode).type !== 'ThisExpression'
        )
          continue;
        const property = target.property as AnyNode;
        if (property.type === 'Identifier')
          fields.push({
            name: (property as Identifier).name,
            value: assignment.right as AnyNode,
            assignedIn: constructor,
            statement,
          });
      }
    }
  }
  return fields;
}

/**
 * The `#private` instance fields a class declares (`#notes = []`, `#count;`), by their names
 * with the `#`: what its instances carry under the class's own private names.
 */
export function privateFieldNames(node: ClassNode): string[] {
  return node.body.body.flatMap((member) =>
    member.type === 'PropertyDefinition' && !member.static && (member.key as AnyNode).type === 'PrivateIdentifier'
      ? [`#${keyName(member.key as AnyNode)}`]
      : [],
  );
}

/**
 * The patch's code for the fields top-level classes gained: `__hotpatch$.field(slot, name,
 * function () { return (initializer); })`, installed at commit; a field whose initializer
 * needs the constructor's parameters is reported instead.
 */
export function newFieldInitializers(
  model: ProgramModel,
  old: Digest,
  resolved: Map<Identifier, { start: number; end: number; isModule: boolean }>,
  edits: Edits,
  slots: SlotTable,
  report: PatchReport,
): string[] {
  const code: string[] = [];
  for (const klass of model.classes) {
    const before = old.classes.get(klass.key);
    if (!before || klass.hasPrivate || !klass.key.startsWith(`${KEY_SEPARATOR}class:`)) continue;
    const added = new Set<string>();
    for (const field of klass.fields) {
      if (before.fields.includes(field.name) || added.has(field.name)) continue;
      added.add(field.name);
      if (readsConstructorLocals(field, resolved)) {
        report.notApplied.push(
          `${klass.name}.${field.name} (line ${model.lineOf(field.value.start)}): instances made before this load ` +
            "do not get it: its value comes from the constructor's parameters or variables; restart to give it to them",
        );
        continue;
      }
      const value = edits.render(model.code, field.value.start, field.value.end).text;
      code.push(`${HP}.field(${slots.slotOf(klass.key)},${JSON.stringify(field.name)},function(){return(${value})});`);
      report.added.push(`${klass.name}.${field.name}`);
    }
  }
  return code;
}

/** Whether `field`'s initializer reads a parameter or local of the constructor it is assigned in. */
export function readsConstructorLocals(
  field: InstanceField,
  resolved: Map<Identifier, { start: number; end: number; isModule: boolean }>,
): boolean {
  const constructor = field.assignedIn;
  if (!constructor) return false;
  for (const [identifier, scope] of resolved) {
    if (identifier.start < field.value.start || identifier.end > field.value.end || scope.isModule) continue;
    // Declared in the constructor (its parameters included), not inside the initializer itself.
    const inConstructor = scope.start >= constructor.start && scope.end <= constructor.end;
    const inValue = scope.start >= field.value.start && scope.end <= field.value.end;
    if (inConstructor && !inValue) return true;
  }
  return false;
}

/**
 * Gives `target`'s instances made before now the field `name`: on first access, an instance
 * without it gets it as its own property, `init` evaluated with `this` the instance.
 * Returns false when the prototype already has something of that name.
 */
export function installField(target: Function, name: string, init: (this: object) => unknown): boolean {
  const prototype = target.prototype as object;
  if (Object.hasOwn(prototype, name)) return false;
  const own = (instance: object, value: unknown): void => {
    Object.defineProperty(instance, name, { value, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(prototype, name, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      if (this === prototype) return undefined;
      const value = init.call(this);
      own(this, value);
      return value;
    },
    set(this: object, value: unknown) {
      if (this !== prototype) own(this, value);
    },
  });
  return true;
}
