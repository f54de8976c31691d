/**
 * One pass over a module's tree: its top-level statements, and every function and class with
 * its key (see program.ts), its own code, and what its forwarding prologue needs.
 */
import type { Identifier } from 'acorn';
import {
  CONTEXT_JOIN,
  KEY_SEPARATOR,
  OBJECT_IDENTITY,
  isExportNames,
  isFunction,
  keyName,
  names,
  usesPrivateNames,
  type ClassNode,
  type FunctionNode,
  type LiveClass,
  type LiveFunction,
  type ProgramModel,
  type TopStatement,
} from './program';
import { decoratorStatement } from './decorators';
import { enumFilling } from './enum-filling';
import { validatedField } from './validation-decorators';
import { instanceFields } from './fields';
import { addsRoute, setupStatements } from './setup-statements';
import { Shape, arrowToken, tokenText, type Hole } from './shape';
import { eachChild, type AnyNode } from './walk';
import { sharedVariables } from './shared-variables';
import { lexicalUses, whyFixed } from './lexical-uses';
import { esbuildExportTarget, exportedDeclaration, exportedNames, isExportAnnotation } from './statement-exports';

/** How a function is placed, computed only when a function is met (most nodes contain none). */
type Context = () => string;
const NO_CONTEXT: Context = () => '';

export class Reader {
  readonly #keysSeen = new Map<string, number>();
  /** #visit of a child, placed as `#contextFor` says: one function for the whole walk (see eachChild). */
  readonly #visitChild = (
    child: AnyNode,
    parentFn: LiveFunction | undefined,
    parent: AnyNode,
    context: Context,
  ): void => this.#visit(child, parentFn, this.#contextFor(parent, child, context));
  /** #visit of a child with a context of its own. */
  readonly #visitIn = (child: AnyNode, parentFn: LiveFunction | undefined, context: Context): void =>
    this.#visit(child, parentFn, context);

  constructor(readonly model: ProgramModel) {}

  read(): void {
    const { functions } = this.model;
    for (const node of this.model.body) {
      const first = functions.length;
      this.#visit(node, undefined, NO_CONTEXT);
      // A function declaration's shape as a statement is its own code (see #function): read once.
      const declared = functions[first]?.node === node ? functions[first].own : undefined;
      this.model.statements.push(this.#statement(node, declared));
    }
  }

  #statement(outer: AnyNode, declaredShape: Shape | undefined): TopStatement {
    const line = this.model.lineOf(outer.start);
    // A function called where it is written (`(function (Color) { … })(Color || (Color = {}))`,
    // tsc's enums and namespaces; an async main) runs as the statement runs, and never again: its
    // body is the statement's code. Left out as a live body, a change to it was new code no call
    // would ever run, reported as loaded.
    const shape =
      declaredShape ??
      this.#shapeOf(outer, (n) => isFunction(n) || n.type === 'ClassBody', { keepCalledWhereWritten: true });
    // `export const a = …`, `export function f…`: the statement is the declaration inside.
    const declaration = exportedDeclaration(outer);
    for (const [name, local] of exportedNames(outer, declaration)) this.model.exports.set(name, local);
    const node = declaration ?? outer;
    const assignment = node.type === 'ExpressionStatement' && node.expression.type === 'AssignmentExpression';
    const exportTarget = esbuildExportTarget(node);
    // esbuild's `__export(target, { … })` defines the export getters: a changed one supersedes the old.
    const assigns = exportTarget
      ? `__export ${exportTarget}`
      : assignment && node.expression.operator === '='
        ? this.#tokens(node.expression.left as AnyNode)
        : undefined;
    const exportNames = isExportNames(node) || isExportAnnotation(node);
    const decorates = decoratorStatement(node, this.model.code);
    const validated = decorates && validatedField(node, this.model.moduleScope);
    if (decorates && validated !== undefined) decorates.validatedField = validated;
    const fills = enumFilling(node);
    const { declaration: kind, declares } = declarationOf(node);
    // One object literal with every field, in one order: the spreads of a shared base it was
    // made from cost V8 a generic copy each (≈1 ms of a 500-statement module's reading).
    return {
      node,
      outer: declaration ? outer : undefined,
      shape,
      declares,
      declaration: kind,
      exportNames,
      assigns,
      fills,
      decorates,
      line,
    };
  }

  /** `root`'s code with the bodies of the nodes `leaveOut` picks inside it left out. */
  #shapeOf(root: AnyNode, leaveOut: (node: AnyNode) => boolean, { keepCalledWhereWritten = false } = {}): Shape {
    const holes: Hole[] = [];
    // Seen at their call, which is visited before its callee.
    const calledWhereWritten = new Set<AnyNode>();
    const collect = (node: AnyNode): void => {
      if (keepCalledWhereWritten && node.type === 'CallExpression') {
        const called = functionCalled(node);
        if (called) calledWhereWritten.add(called);
      }
      if (node !== root && leaveOut(node) && !calledWhereWritten.has(node)) {
        holes.push(bodyRange(this.model.code, node));
        if (isFunction(node)) for (const param of node.params as AnyNode[]) collect(param);
        return;
      }
      eachChild(node, collect);
    };
    collect(root);
    return new Shape(
      this.model.code,
      root.start,
      root.end,
      holes.sort((a, b) => a[0] - b[0]),
    );
  }

  #visit(node: AnyNode, parentFn: LiveFunction | undefined, context: Context): void {
    if (node.type === 'MetaProperty' && (node.meta as Identifier).name === 'import') this.model.importMeta.push(node);
    if (node.type === 'CallExpression' && (node.callee as AnyNode).type === 'Identifier') {
      this.model.callees.add(node.callee as Identifier);
      // esbuild's keepNames (tsx) writes `__name(fn, "fn")` after a function: that only names it.
      const [first] = node.arguments as AnyNode[];
      if (isKeepNamesCall(node) && first?.type === 'Identifier') this.model.namedOnly.add(first as Identifier);
    }
    if (node.type === 'ObjectExpression') {
      for (const property of node.properties as AnyNode[]) {
        if (property.type === 'Property' && isFunction(property.value as AnyNode)) {
          this.model.properties.set(property.value as AnyNode, { property, object: node });
        }
      }
    }
    if (node.type === 'Property' && node.shorthand) {
      // `{ users }`, and in a pattern `{ users = [] }`: the name is both key and variable.
      const value = node.value?.type === 'AssignmentPattern' ? node.value.left : node.value;
      if (value?.type === 'Identifier') this.model.shorthand.add(value as Identifier);
    }
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
      const klass = this.#class(node as ClassNode, parentFn, context);
      if (node.superClass) this.#visit(node.superClass as AnyNode, parentFn, context);
      for (const member of (node.body as AnyNode).body as AnyNode[]) this.#member(member, klass, parentFn);
      return;
    }
    if (isFunction(node)) {
      const live = this.#function(node, parentFn, undefined, context());
      eachChild(node, this.#visitIn, live, NO_CONTEXT);
      return;
    }
    eachChild(node, this.#visitChild, parentFn, node, context);
  }

  #member(member: AnyNode, klass: LiveClass, parentFn: LiveFunction | undefined): void {
    if (member.type === 'StaticBlock') {
      // `static { … }` (esbuild's keepNames writes one): code the class's evaluation runs.
      eachChild(member, (child) => this.#visit(child, parentFn, () => `${klass.key}.static`));
      return;
    }
    const name = member.computed ? `[${this.#tokens(member.key as AnyNode)}]` : keyName(member.key as AnyNode);
    if (member.type === 'MethodDefinition') {
      const fn = member.value as FunctionNode;
      const kind: 'constructor' | 'method' | 'get' | 'set' =
        member.kind === 'constructor' ? 'constructor' : (member.kind as 'method' | 'get' | 'set');
      const info = { owner: klass, name, kind, isStatic: Boolean(member.static) };
      const live = this.#function(fn, parentFn, info, `${member.static ? 'static ' : ''}${kind}:${name}`);
      eachChild(fn, this.#visitIn, live, NO_CONTEXT);
      return;
    }
    // Fields and static blocks run their code in the class's own evaluation.
    if (member.computed) this.#visit(member.key as AnyNode, parentFn, NO_CONTEXT);
    const field = `${klass.key}.field:${name}`;
    eachChild(member, (child) => {
      if (child !== member.key) this.#visit(child, parentFn, () => field);
    });
  }

  #class(node: ClassNode, parentFn: LiveFunction | undefined, context: Context): LiveClass {
    // `let Cats = class {…}` (esbuild's output for a decorated class) is the class Cats, as `class Cats {…}` is.
    const name = node.id?.name ?? (context().replace(/^var:/, '') || 'class');
    const key = this.#unique(`${parentFn?.key ?? ''}${KEY_SEPARATOR}class:${name}`);
    const hasPrivate = usesPrivateNames(this.model.code.slice(node.start, node.end));
    const own = this.#shapeOf(node, (n) => isFunction(n));
    const klass: LiveClass = {
      node,
      key,
      name,
      hasPrivate,
      own,
      line: this.model.lineOf(node.start),
      fields: instanceFields(node),
    };
    this.model.classes.push(klass);
    return klass;
  }

  #function(
    node: FunctionNode,
    parentFn: LiveFunction | undefined,
    member: LiveFunction['member'],
    context: string,
  ): LiveFunction {
    const place = member
      ? `${member.owner.key}.${context}`
      : node.type === 'FunctionDeclaration' && node.id
        ? `fn:${node.id.name}`
        : context || (node.id ? `fn:${node.id.name}` : 'anon');
    const key = member ? this.#unique(place) : this.#unique(`${parentFn?.key ?? ''}${KEY_SEPARATOR}${place}`);
    const uses = lexicalUses(node, this.model.code);
    const { setup, setupRoutes } = this.#setupStatements(node, member?.owner.node);
    const capturesParams = this.#capturesParams(node);
    const env = this.#environment(node);
    // Every field set here, in one order, so that all functions share one object shape.
    const live: LiveFunction = {
      node,
      key,
      parent: parentFn,
      own: this.#shapeOf(node, (n) => isFunction(n) || n.type === 'ClassBody'),
      env,
      shares: parentFn ? sharedVariables(this.model.scopes, this.model.moduleScope, node, parentFn.node, env) : env,
      line: this.model.lineOf(node.start),
      usesThis: uses.this,
      usesArguments: uses.arguments,
      usesSuper: uses.super,
      capturesParams,
      setup,
      setupRoutes,
      member,
      mappedArguments: (!uses.arguments && !capturesParams && this.#hasMappedArguments(node)) || undefined,
      fixed: whyFixed(node, member, parentFn, uses) || undefined,
    };
    this.model.functions.push(live);
    return live;
  }

  #setupStatements(node: FunctionNode, owner: ClassNode | undefined): Pick<LiveFunction, 'setup' | 'setupRoutes'> {
    const statements = setupStatements(node, owner, (identifier) => this.#namesFunction(node, identifier));
    const setup = statements.map((statement) =>
      this.#shapeOf(statement, (n) => isFunction(n) || n.type === 'ClassBody'),
    );
    return { setup, setupRoutes: setup.filter((_, index) => addsRoute(statements[index]!)) };
  }

  /**
   * Whether the function gets a mapped `arguments` (sloppy code, a simple parameter list) that
   * an unused rest parameter can make unmapped without changing what its code sees: not an
   * arrow (none of its own), not a getter or setter (their parameter counts are fixed), no
   * direct `eval` that could read it, no parameter named twice (an error in such a list).
   */
  #hasMappedArguments(node: FunctionNode): boolean {
    if (node.type === 'ArrowFunctionExpression') return false;
    const kind = this.model.properties.get(node)?.property.kind;
    if (kind === 'get' || kind === 'set') return false;
    const scope = this.model.scopes.acquire(node);
    if (!scope || scope.isStrict || scope.dynamic) return false;
    const params = node.params as AnyNode[];
    if (!params.every((p) => p.type === 'Identifier')) return false;
    return new Set(params.map((p) => (p as Identifier).name)).size === params.length;
  }

  /** Whether `identifier`, read in `node`'s own scope, is bound to a function declared or written in the module. */
  #namesFunction(node: FunctionNode, identifier: Identifier): boolean {
    const reference = this.model.scopes.acquire(node)?.references.find((r) => r.identifier === identifier);
    const definition = reference?.resolved?.defs[0];
    if (definition?.type === 'FunctionName') return true;
    const init = definition?.type === 'Variable' ? ((definition.node as AnyNode).init as AnyNode | null) : null;
    return init !== null && isFunction(init);
  }

  /** Whether a function nested in `node` uses one of its parameters (see LiveFunction.capturesParams). */
  #capturesParams(node: FunctionNode): boolean {
    const scope = this.model.scopes.acquire(node);
    if (!scope) return true;
    return scope.variables.some(
      (variable) =>
        variable.defs.some((def) => def.type === 'Parameter') &&
        variable.references.some((reference) => reference.from.variableScope !== scope),
    );
  }

  /** The variables of enclosing functions (not the module) that the function uses. */
  #environment(node: FunctionNode): string[] {
    const scope = this.model.scopes.acquire(node);
    if (!scope) return [];
    const found = new Set<string>();
    for (const reference of scope.through) {
      const owner = reference.resolved?.scope;
      if (owner && owner !== this.model.moduleScope && owner.type !== 'global') found.add(reference.identifier.name);
    }
    return [...found];
  }

  /** How a function found under `child` of `node` is placed: the call or property it belongs to. */
  #contextFor(node: AnyNode, child: AnyNode, inherited: Context): Context {
    switch (node.type) {
      case 'CallExpression':
      case 'NewExpression': {
        const args = node.arguments as AnyNode[];
        const index = args.indexOf(child);
        if (index < 0) return inherited;
        // esbuild's keepNames (tsx) wraps a function only to name it, `const hit = __name(() => …,
        // "hit")`: placed, and named in reports, by what holds the call (`var:hit`), as without it.
        if (index === 0 && isKeepNamesCall(node)) return inherited;
        return () => {
          // An argument that holds a function (`asyncHandler(async (req, res) => {…})`) reads as
          // `…`: an edit inside that function must not move the key of the others.
          // An object known by its literal properties (`server.route({ method: 'POST', path:
          // '/notes', handler })`) reads as those, placing the functions inside it (Property).
          const literal = args
            .filter((a) => !isFunction(a))
            .map((a) => (holdsFunction(a) ? this.#objectIdentity(a) || '…' : this.#tokens(a).slice(0, 80)));
          const own = `call:${this.#tokens(node.callee as AnyNode).slice(0, 80)}(${literal.join(',')})#${index}`;
          // Inside the call it is an argument of: `router.get('/:id', asyncHandler(…))` and
          // `router.post('/', asyncHandler(…))` place their handlers apart, so a route added
          // between them does not take the key, and the slot, of the next one's handler.
          const outer = inherited();
          return outer ? `${outer}${CONTEXT_JOIN}${own}` : own;
        };
      }
      case 'ArrayExpression':
        return () => {
          // An object known by its literal properties (`{ method: 'POST', path: '/books', options:
          // { handler } }`, as hapi's route configs are) is placed by them, not by its index:
          // a route config added before it does not take the key, and the slot, of its handler.
          const identity = this.#objectIdentity(child);
          if (identity) return `${inherited()}${identity}`;
          const elements = (node.elements as Array<AnyNode | null>).filter((e): e is AnyNode => e !== null);
          const literal = elements
            .filter((e) => !isFunction(e) && e !== child)
            .map((e) => this.#tokens(e).slice(0, 80));
          return `${inherited()}[${literal.join(',')}]#${elements.indexOf(child)}`;
        };
      case 'Property':
        if (child !== node.value) return inherited;
        return () => {
          const own = `prop:${node.computed ? this.#tokens(node.key as AnyNode) : keyName(node.key as AnyNode)}`;
          // Inside an object known by its literal properties (an array's element, a call's
          // argument, above): placed by them, and by the property's own name.
          const outer = inherited();
          return outer.includes(OBJECT_IDENTITY[0]) ? `${outer}.${own}` : own;
        };
      case 'VariableDeclarator':
        return child === node.init ? () => `var:${names(node.id as AnyNode).join(',')}` : inherited;
      case 'AssignmentExpression':
        return child === node.right ? () => `set:${this.#tokens(node.left as AnyNode)}` : inherited;
      default:
        return inherited;
    }
  }

  /**
   * `⟨method:'POST',path:'/books'⟩`: what places an object literal, its properties whose values
   * are literals, in order; '' for another node, or an object with none.
   */
  #objectIdentity(node: AnyNode): string {
    if (node.type !== 'ObjectExpression') return '';
    const literals = (node.properties as AnyNode[])
      .filter(
        (p) =>
          p.type === 'Property' &&
          !p.computed &&
          ((p.value as AnyNode).type === 'Literal' ||
            ((p.value as AnyNode).type === 'TemplateLiteral' && (p.value as AnyNode).expressions.length === 0)),
      )
      .map((p) => `${keyName(p.key as AnyNode)}:${this.#tokens(p.value as AnyNode).slice(0, 80)}`);
    return literals.length > 0 ? `${OBJECT_IDENTITY[0]}${literals.join(',')}${OBJECT_IDENTITY[1]}` : '';
  }

  #unique(key: string): string {
    const seen = this.#keysSeen.get(key) ?? 0;
    this.#keysSeen.set(key, seen + 1);
    return seen === 0 ? key : `${key}#${seen}`;
  }

  #tokens(node: AnyNode): string {
    return tokenText(this.model.code, node.start, node.end);
  }
}

/** The function a call calls where it is written: `(function () { … })()`, `(() => …)()`, `(function () { … }).call(this)`. */
/** `__name(fn, "fn")`, esbuild's keepNames helper: a call that names its first argument and returns it. */
function isKeepNamesCall(call: AnyNode): boolean {
  const [, name] = call.arguments as AnyNode[];
  const callee = call.callee as AnyNode;
  return (
    call.type === 'CallExpression' &&
    callee.type === 'Identifier' &&
    callee.name === '__name' &&
    (call.arguments as AnyNode[]).length === 2 &&
    name?.type === 'Literal' &&
    typeof name.value === 'string'
  );
}

function functionCalled(call: AnyNode): AnyNode | undefined {
  const callee = call.callee as AnyNode;
  if (isFunction(callee)) return callee;
  const method = callee.type === 'MemberExpression' && !callee.computed ? (callee.property as AnyNode) : undefined;
  if (method?.type === 'Identifier' && (method.name === 'call' || method.name === 'apply')) {
    const object = callee.object as AnyNode;
    if (isFunction(object)) return object;
  }
  return undefined;
}

/** Whether a function is written anywhere inside `node` (itself included). */
function holdsFunction(node: AnyNode): boolean {
  if (isFunction(node)) return true;
  let found = false;
  eachChild(node, (child) => {
    found ||= holdsFunction(child);
  });
  return found;
}

/**
 * The part of a function (or class body) left out of the code around it: an arrow's
 * expression body from just after `=>`, so its parentheses (`() => ({ … })`) are left out too.
 */
function bodyRange(code: string, node: AnyNode): Hole {
  if (!isFunction(node)) return [node.start, node.end];
  const body = node.body as AnyNode;
  if (node.type !== 'ArrowFunctionExpression' || body.type === 'BlockStatement') return [body.start, body.end];
  const arrow = arrowToken(code, (node.params as AnyNode[]).at(-1)?.end ?? node.start, body.start);
  return [arrow ? arrow.end : body.start, node.end];
}

/** What a top-level statement declares, and how (none: an expression, an export list). */
function declarationOf(node: AnyNode): Pick<TopStatement, 'declaration' | 'declares'> {
  switch (node.type) {
    case 'VariableDeclaration':
      return { declaration: node.kind, declares: (node.declarations as AnyNode[]).flatMap((d) => names(d.id)) };
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
      return {
        declaration: node.type === 'FunctionDeclaration' ? 'function' : 'class',
        declares: node.id ? [(node.id as Identifier).name] : [],
      };
    case 'ImportDeclaration':
      return {
        declaration: 'import',
        declares: (node.specifiers as AnyNode[]).map((s) => (s.local as Identifier).name),
      };
    default:
      return { declaration: undefined, declares: [] };
  }
}
