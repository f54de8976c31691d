/**
 * A field's class-validator decorators (`@IsInt() @Max(30) age`) are rules the library keeps
 * in its metadata storage (a global, by class and property) and reads at every validation:
 * NestJS's ValidationPipe validates each request body against them. So a changed rule can
 * apply in place, unlike the decorators frameworks read once at startup (NestJS routes,
 * TypeORM columns, Swagger's properties: decorators.ts): the field's rules are taken out of
 * the storage, and its decorator statement runs again on the running class.
 *
 * Which library a decorator comes from is read from the module's bindings: `Max` imported from
 * 'class-validator', or `class_validator_1.Max` where `class_validator_1 = require(…)` (tsc,
 * esbuild: `(0, import_class_validator.Max)(40)`).
 */
import type { Scope } from 'eslint-scope';
import { isMetadata } from './decorators';
import type { AnyNode } from './walk';

/** The libraries whose field decorators are read at each use. */
const READ_AT_EACH_USE = new Set(['class-validator']);

/**
 * The field a decorator statement decorates, when every decorator in it (its design-type
 * metadata aside) is class-validator's: tsc's `__decorate([…], Dto.prototype, "age", void 0)`,
 * esbuild's `__decorateClass([…], Dto.prototype, "age", 2)`.
 */
export function validatedField(statement: AnyNode, moduleScope: Scope): string | undefined {
  const call = decoratorCall(statement);
  if (!call) return undefined;
  const [list, target, key, kind] = call.arguments as AnyNode[];
  if (list?.type !== 'ArrayExpression' || !isPrototype(target) || !isField(kind)) return undefined;
  if (key?.type !== 'Literal' || typeof key.value !== 'string') return undefined;
  const decorators = (list.elements as Array<AnyNode | null>).filter((e): e is AnyNode => e !== null && !isMetadata(e));
  if (decorators.length === 0) return undefined;
  return decorators.every((d) => READ_AT_EACH_USE.has(libraryOf(d, moduleScope) ?? '')) ? key.value : undefined;
}

/** The object a field decorator statement decorates (`Dto.prototype`), to render beside it. */
export function decoratedTarget(statement: AnyNode): AnyNode | undefined {
  return (decoratorCall(statement)?.arguments as AnyNode[] | undefined)?.[1];
}

/**
 * Takes the class-validator rules of `field` out of the storage, for the class whose prototype
 * is `prototype`: its decorators then register the new ones. Does nothing where the storage is
 * not there or not as expected.
 */
export function clearValidation(prototype: unknown, field: string): void {
  const storage = (globalThis as { classValidatorMetadataStorage?: { validationMetadatas?: unknown } })
    .classValidatorMetadataStorage;
  const target = (prototype as { constructor?: unknown } | null | undefined)?.constructor;
  const byTarget = storage?.validationMetadatas;
  if (!(byTarget instanceof Map) || typeof target !== 'function') return;
  const rules: unknown = byTarget.get(target);
  if (!Array.isArray(rules)) return;
  byTarget.set(
    target,
    rules.filter((rule: { propertyName?: unknown } | null) => rule?.propertyName !== field),
  );
}

function decoratorCall(statement: AnyNode): AnyNode | undefined {
  if (statement.type !== 'ExpressionStatement') return undefined;
  const call = statement.expression as AnyNode;
  const callee = call.type === 'CallExpression' ? (call.callee as AnyNode) : undefined;
  return callee?.type === 'Identifier' ? call : undefined;
}

/** `Dto.prototype`: a decorator of an instance member. */
function isPrototype(target: AnyNode | undefined): boolean {
  if (target?.type !== 'MemberExpression' || target.computed) return false;
  const property = target.property as AnyNode;
  return (
    (target.object as AnyNode).type === 'Identifier' && property.type === 'Identifier' && property.name === 'prototype'
  );
}

/** A field, not a method: tsc passes `void 0` where a method's descriptor goes, esbuild the kind 2. */
function isField(kind: AnyNode | undefined): boolean {
  if (kind?.type === 'UnaryExpression') return kind.operator === 'void';
  return kind?.type === 'Literal' && kind.value === 2;
}

/** The package a decorator call's function was imported or required from, if the module says. */
function libraryOf(decorator: AnyNode, moduleScope: Scope): string | undefined {
  if (decorator.type !== 'CallExpression') return undefined;
  let callee = decorator.callee as AnyNode;
  // `(0, ns.Max)(40)`: how compilers call an imported function without a `this`.
  if (callee.type === 'SequenceExpression') callee = (callee.expressions as AnyNode[]).at(-1)!;
  const binding =
    callee.type === 'Identifier'
      ? callee
      : callee.type === 'MemberExpression' && !callee.computed && (callee.object as AnyNode).type === 'Identifier'
        ? (callee.object as AnyNode)
        : undefined;
  const definition = binding ? moduleScope.set.get(String(binding.name))?.defs[0] : undefined;
  if (!definition) return undefined;
  if (definition.type === 'ImportBinding') {
    const source = (definition.parent as AnyNode | null)?.source as AnyNode | undefined;
    return typeof source?.value === 'string' ? source.value : undefined;
  }
  if (definition.type !== 'Variable') return undefined;
  return requiredPackage((definition.node as AnyNode).init as AnyNode | null);
}

/** `require('x')`, or a helper around it (`__toESM(require('x'))`, `__importStar(require('x'))`): 'x'. */
function requiredPackage(node: AnyNode | null): string | undefined {
  if (node?.type !== 'CallExpression') return undefined;
  const [argument] = node.arguments as AnyNode[];
  const callee = node.callee as AnyNode;
  if (callee.type === 'Identifier' && callee.name === 'require') {
    return argument?.type === 'Literal' && typeof argument.value === 'string' ? argument.value : undefined;
  }
  return argument?.type === 'CallExpression' ? requiredPackage(argument) : undefined;
}
