/**
 * The structure of one version of a CommonJS module, read with a real parser (acorn) and a
 * scope analyser (eslint-scope): its top-level statements, the bindings of its module scope,
 * and every function and class with a stable identity (its key) derived from where it sits in
 * the source, so the same handler in two versions of a file is known to be the same one.
 *
 * Keys follow React Fast Refresh's idea of a stable identity per definition: a function's key
 * is its enclosing function's key plus its own place (`fn:name`, `prop:name`, the call it is
 * an argument of, `app.get('/')#1`), with an ordinal only when two places read the same.
 */
import { Parser, tokenizer, type Node, type Token, type Program, type Identifier } from 'acorn';
import { analyze, type Scope, type ScopeManager } from 'eslint-scope';
import { childrenOf, type AnyNode } from './walk';

export type FunctionNode = AnyNode & {
  type: 'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression';
  id?: Identifier | null;
  params: AnyNode[];
  body: AnyNode;
  async: boolean;
  generator: boolean;
  expression?: boolean;
};
export type ClassNode = AnyNode & {
  type: 'ClassDeclaration' | 'ClassExpression';
  id?: Identifier | null;
  superClass?: AnyNode | null;
  body: AnyNode & { body: AnyNode[] };
};

/** A function or method with its identity and what its prologue needs. */
export interface LiveFunction {
  node: FunctionNode;
  key: string;
  /** The function it is nested in; undefined at module level. */
  parent: LiveFunction | undefined;
  /** For class members: the class and how the member is installed on it. */
  member?: { owner: LiveClass; name: string; kind: 'constructor' | 'method' | 'get' | 'set'; isStatic: boolean };
  /** Its own code, as tokens, with nested function bodies left out: equal means unchanged. */
  own: string;
  /** Variables of enclosing functions it uses (the closure it needs besides the module scope). */
  env: string[];
  /** 1-based line of its start. */
  line: number;
  /** Why calls to it cannot be sent to a newer body, when they cannot. */
  fixed?: string;
}

export interface LiveClass {
  node: ClassNode;
  key: string;
  name: string;
  /** It uses `#private` names (a token, not a guess from text): its methods cannot move to a new class. */
  hasPrivate: boolean;
  /** Its own code with member bodies left out. */
  own: string;
  line: number;
}

/** A top-level statement, and the module bindings it declares. */
export interface TopStatement {
  node: AnyNode;
  /** Its tokens with every function body left out: equal means the statement itself is unchanged. */
  shape: string;
  declares: string[];
  declaration?: 'var' | 'let' | 'const' | 'function' | 'class';
  /** tsc's `exports.a = exports.b = void 0;`, which only announces export names. */
  exportNames: boolean;
  /** For `target = value;`: the target's tokens (a changed assignment to it supersedes the old one). */
  assigns: string | undefined;
  line: number;
}

export interface ProgramModel {
  code: string;
  ast: Program;
  /** End of the directive prologue ('use strict'): where inserted code keeps the directives in force. */
  prologueEnd: number;
  statements: TopStatement[];
  functions: LiveFunction[];
  classes: LiveClass[];
  /** Module-scope bindings and their declaration kind. */
  bindings: Map<string, 'var' | 'let' | 'const' | 'function' | 'class'>;
  /** Every identifier that refers to a module-scope binding. */
  moduleRefs: Identifier[];
  /** Identifiers that are the value of a shorthand property (`{ users }`). */
  shorthand: Set<Identifier>;
  scopes: ScopeManager;
  /** The scope of the module's own variables: the program's, or the wrapper function's (tsx). */
  moduleScope: Scope;
  /** The module's top-level statements: the program's, or those inside the wrapper. */
  body: AnyNode[];
  tokens: Token[];
}

export class ParseFailure extends Error {}

/** Between the parts of a key: not a character that source text such as `'/'` would bring. */
export const KEY_SEPARATOR = ' › ';

export function readProgram(code: string): ProgramModel {
  const tokens: Token[] = [];
  let ast: Program;
  try {
    ast = Parser.parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'script',
      allowReturnOutsideFunction: true,
      allowHashBang: true,
      ranges: true,
      locations: true,
      onToken: tokens,
    });
  } catch (error) {
    throw new ParseFailure(error instanceof Error ? error.message : String(error));
  }
  const scopes = analyze(ast, { ecmaVersion: 2022, sourceType: 'script', nodejsScope: true });
  const wrapper = moduleWrapper(ast);
  const moduleScope = scopes.scopes.find((s) => s.type === 'function' && s.block === (wrapper ?? ast));
  if (!moduleScope) throw new ParseFailure('no module scope');
  const body = wrapper ? ((wrapper.body as AnyNode).body as AnyNode[]) : (ast.body as AnyNode[]);
  const model: ProgramModel = {
    code,
    ast,
    prologueEnd: directivesEnd(body, wrapper ? (wrapper.body as AnyNode).start + 1 : 0),
    moduleScope,
    body,
    statements: [],
    functions: [],
    classes: [],
    bindings: new Map(),
    moduleRefs: [],
    shorthand: new Set(),
    scopes,
    tokens,
  };
  for (const variable of moduleScope.variables) {
    const def = variable.defs[0];
    if (!def || variable.name === 'arguments') continue;
    const kind =
      def.type === 'FunctionName'
        ? 'function'
        : def.type === 'ClassName'
          ? 'class'
          : ((def.parent?.kind ?? 'var') as 'var' | 'let' | 'const');
    model.bindings.set(variable.name, kind);
    for (const reference of variable.references) model.moduleRefs.push(reference.identifier);
  }
  new Reader(model, moduleScope).read();
  return model;
}

/**
 * tsx runs a CommonJS file as `__filename = "…";(() => { <the module> })()`: the module's
 * own statements and variables are those of that arrow function.
 */
function moduleWrapper(ast: Program): AnyNode | undefined {
  const [first, second, ...rest] = ast.body as AnyNode[];
  if (!first || !second || rest.length > 0) return undefined;
  const assignment = first.type === 'ExpressionStatement' ? (first.expression as AnyNode) : undefined;
  if (assignment?.type !== 'AssignmentExpression' || (assignment.left as AnyNode).name !== '__filename')
    return undefined;
  const call = second.type === 'ExpressionStatement' ? (second.expression as AnyNode) : undefined;
  const callee = call?.type === 'CallExpression' && call.arguments.length === 0 ? (call.callee as AnyNode) : undefined;
  if (callee?.type !== 'ArrowFunctionExpression' || callee.params.length > 0) return undefined;
  return (callee.body as AnyNode).type === 'BlockStatement' ? callee : undefined;
}

function directivesEnd(body: AnyNode[], start: number): number {
  let end = start;
  for (const statement of body) {
    if (statement.type !== 'ExpressionStatement' || typeof statement.directive !== 'string') break;
    end = statement.end;
  }
  return end;
}

/** One pass over the tree: statements, functions, classes, shorthand properties. */
class Reader {
  readonly #keysSeen = new Map<string, number>();

  constructor(
    readonly model: ProgramModel,
    readonly moduleScope: Scope,
  ) {}

  read(): void {
    for (const node of this.model.body) {
      this.model.statements.push(this.#statement(node));
      this.#visit(node, undefined, undefined, '');
    }
  }

  #statement(node: AnyNode): TopStatement {
    const line = node.loc!.start.line;
    const shape = this.shapeOf(node, (n) => isFunction(n) || n.type === 'ClassBody', true);
    const assignment = node.type === 'ExpressionStatement' && node.expression.type === 'AssignmentExpression';
    const assigns =
      assignment && node.expression.operator === '=' ? this.#tokens(node.expression.left as AnyNode) : undefined;
    const base = { node, shape, line, exportNames: isExportNames(node), assigns };
    if (node.type === 'VariableDeclaration') {
      return {
        ...base,
        declaration: node.kind,
        declares: (node.declarations as AnyNode[]).flatMap((d) => names(d.id)),
      };
    }
    if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') {
      const declaration = node.type === 'FunctionDeclaration' ? 'function' : 'class';
      return { ...base, declaration, declares: node.id ? [(node.id as Identifier).name] : [] };
    }
    return { ...base, declares: [] };
  }

  /**
   * The statement's or function's tokens joined, with the bodies of nested functions (or of
   * whatever `leaveOut` picks) replaced by a mark: comments and layout never count as a change.
   */
  shapeOf(root: AnyNode, leaveOut: (node: AnyNode) => boolean, skipRoot = false): string {
    const holes: Array<[number, number]> = [];
    const collect = (node: AnyNode): void => {
      if ((node !== root || !skipRoot) && node !== root && leaveOut(node)) {
        const body = isFunction(node) ? (node.body as AnyNode) : node;
        holes.push([body.start, body.end]);
        if (isFunction(node)) for (const param of node.params as AnyNode[]) collect(param);
        return;
      }
      for (const child of childrenOf(node)) collect(child);
    };
    collect(root);
    return tokenText(this.model, root.start, root.end, holes);
  }

  #visit(node: AnyNode, parentFn: LiveFunction | undefined, ownerClass: LiveClass | undefined, context: string): void {
    if (node.type === 'Property' && node.shorthand) {
      // `{ users }`, and in a pattern `{ users = [] }`: the name is both key and variable.
      const value = node.value?.type === 'AssignmentPattern' ? node.value.left : node.value;
      if (value?.type === 'Identifier') this.model.shorthand.add(value as Identifier);
    }
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
      const klass = this.#class(node as ClassNode, parentFn, context);
      if (node.superClass) this.#visit(node.superClass as AnyNode, parentFn, ownerClass, context);
      for (const member of (node.body as AnyNode).body as AnyNode[]) this.#member(member, klass, parentFn);
      return;
    }
    if (isFunction(node)) {
      const live = this.#function(node, parentFn, undefined, context);
      for (const child of childrenOf(node)) this.#visit(child, live, undefined, '');
      return;
    }
    for (const child of childrenOf(node))
      this.#visit(child, parentFn, ownerClass, this.#contextFor(node, child, context));
  }

  #member(member: AnyNode, klass: LiveClass, parentFn: LiveFunction | undefined): void {
    const name = member.computed ? `[${this.#tokens(member.key as AnyNode)}]` : keyName(member.key as AnyNode);
    if (member.type === 'MethodDefinition') {
      const fn = member.value as FunctionNode;
      const kind: 'constructor' | 'method' | 'get' | 'set' =
        member.kind === 'constructor' ? 'constructor' : (member.kind as 'method' | 'get' | 'set');
      const info = { owner: klass, name, kind, isStatic: Boolean(member.static) };
      const live = this.#function(fn, parentFn, info, `${member.static ? 'static ' : ''}${kind}:${name}`);
      for (const child of childrenOf(fn)) this.#visit(child, live, undefined, '');
      return;
    }
    // Fields and static blocks run their code in the class's own evaluation.
    if (member.computed) this.#visit(member.key as AnyNode, parentFn, klass, '');
    for (const child of childrenOf(member)) {
      if (child !== member.key) this.#visit(child, parentFn, klass, `${klass.key}.field:${name}`);
    }
  }

  #class(node: ClassNode, parentFn: LiveFunction | undefined, context: string): LiveClass {
    const name = node.id?.name ?? (context || 'class');
    const key = this.#unique(`${parentFn?.key ?? ''}${KEY_SEPARATOR}class:${name}`);
    const from = this.#tokenIndex(node.start);
    let hasPrivate = false;
    for (let i = from; i < this.model.tokens.length && this.model.tokens[i]!.start < node.end; i++) {
      if (this.model.tokens[i]!.type.label === 'privateId') hasPrivate = true;
    }
    const own = this.shapeOf(node, (n) => isFunction(n));
    const klass: LiveClass = { node, key, name, hasPrivate, own, line: node.loc!.start.line };
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
    const live: LiveFunction = {
      node,
      key,
      parent: parentFn,
      own: this.shapeOf(node, (n) => isFunction(n) || n.type === 'ClassBody'),
      env: this.#environment(node),
      line: node.loc!.start.line,
    };
    if (member) live.member = member;
    const fixed = whyFixed(node, member, parentFn, live.own);
    if (fixed) live.fixed = fixed;
    this.model.functions.push(live);
    return live;
  }

  /** The variables of enclosing functions (not the module) that the function uses. */
  #environment(node: FunctionNode): string[] {
    const scope = this.model.scopes.acquire(node);
    if (!scope) return [];
    const names = new Set<string>();
    for (const reference of scope.through) {
      const owner = reference.resolved?.scope;
      if (owner && owner !== this.moduleScope && owner.type !== 'global') names.add(reference.identifier.name);
    }
    return [...names];
  }

  /** How a function found under `child` of `node` is placed: the call or property it belongs to. */
  #contextFor(node: AnyNode, child: AnyNode, inherited: string): string {
    switch (node.type) {
      case 'CallExpression':
      case 'NewExpression': {
        const args = node.arguments as AnyNode[];
        const index = args.indexOf(child);
        if (index < 0) return inherited;
        const literal = args.filter((a) => !isFunction(a)).map((a) => this.#tokens(a).slice(0, 80));
        return `call:${this.#tokens(node.callee as AnyNode).slice(0, 80)}(${literal.join(',')})#${index}`;
      }
      case 'ArrayExpression': {
        const elements = (node.elements as Array<AnyNode | null>).filter((e): e is AnyNode => e !== null);
        const literal = elements.filter((e) => !isFunction(e) && e !== child).map((e) => this.#tokens(e).slice(0, 80));
        return `${inherited}[${literal.join(',')}]#${elements.indexOf(child)}`;
      }
      case 'Property':
        return child === node.value
          ? `prop:${node.computed ? this.#tokens(node.key as AnyNode) : keyName(node.key as AnyNode)}`
          : inherited;
      case 'VariableDeclarator':
        return child === node.init ? `var:${names(node.id as AnyNode).join(',')}` : inherited;
      case 'AssignmentExpression':
        return child === node.right ? `set:${this.#tokens(node.left as AnyNode)}` : inherited;
      default:
        return inherited;
    }
  }

  #unique(key: string): string {
    const seen = this.#keysSeen.get(key) ?? 0;
    this.#keysSeen.set(key, seen + 1);
    return seen === 0 ? key : `${key}#${seen}`;
  }

  #tokens(node: AnyNode): string {
    return tokenText(this.model, node.start, node.end, []);
  }

  #tokenIndex(position: number): number {
    return tokenIndex(this.model.tokens, position);
  }
}

/** Why a function's calls cannot be forwarded to a newer body, if they cannot. */
function whyFixed(
  node: FunctionNode,
  member: LiveFunction['member'],
  parentFn: LiveFunction | undefined,
  own: string,
): string | undefined {
  const words = new Set(own.split(' '));
  if (node.type === 'ArrowFunctionExpression' && !(node.params as AnyNode[]).every((p) => p.type === 'Identifier')) {
    return 'an arrow function with destructured or default parameters';
  }
  if (member && parentFn) return 'a method of a class defined inside a function';
  if (!member && words.has('super')) return 'it uses super outside a class';
  if (node.type === 'ArrowFunctionExpression' && words.has('arguments')) {
    return 'an arrow function using the arguments of its enclosing function';
  }
  return undefined;
}

/** Whether a class's source uses `#private` names: read by the tokenizer, so `'#fff'` in a string is not one. */
export function usesPrivateNames(source: string): boolean {
  try {
    for (const token of tokenizer(source, { ecmaVersion: 'latest' })) {
      if (token.type.label === 'privateId') return true;
    }
  } catch {
    return false;
  }
  return false;
}

export function isFunction(node: AnyNode): node is FunctionNode {
  return (
    node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression'
  );
}

function isExportNames(node: AnyNode): boolean {
  if (node.type !== 'ExpressionStatement') return false;
  let expression = node.expression as AnyNode;
  while (expression.type === 'AssignmentExpression') {
    const left = expression.left as AnyNode;
    if (left.type !== 'MemberExpression' || (left.object as AnyNode).type !== 'Identifier') return false;
    if ((left.object as Identifier).name !== 'exports') return false;
    expression = expression.right as AnyNode;
  }
  return expression.type === 'UnaryExpression' && expression.operator === 'void';
}

/** The names a declaration pattern binds. */
export function names(pattern: AnyNode | null | undefined): string[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case 'Identifier':
      return [(pattern as Identifier).name];
    case 'ObjectPattern':
      return (pattern.properties as AnyNode[]).flatMap((p) => names(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return (pattern.elements as Array<AnyNode | null>).flatMap((e) => names(e));
    case 'RestElement':
      return names(pattern.argument as AnyNode);
    case 'AssignmentPattern':
      return names(pattern.left as AnyNode);
    default:
      return [];
  }
}

function keyName(key: AnyNode): string {
  if (key.type === 'Identifier' || key.type === 'PrivateIdentifier') return String(key.name);
  return String(key.value);
}

export function tokenIndex(tokens: Token[], position: number): number {
  let low = 0;
  let high = tokens.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (tokens[mid]!.start < position) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The source of the tokens in [start, end), one space apart, each hole replaced by `{…}`. */
export function tokenText(
  model: Pick<ProgramModel, 'tokens' | 'code'>,
  start: number,
  end: number,
  holes: Array<[number, number]>,
): string {
  const parts: string[] = [];
  const sorted = holes.sort((a, b) => a[0] - b[0]);
  let hole = 0;
  for (let i = tokenIndex(model.tokens, start); i < model.tokens.length; i++) {
    const token = model.tokens[i]!;
    if (token.start >= end) break;
    while (hole < sorted.length && sorted[hole]![1] <= token.start) hole++;
    const inside = hole < sorted.length && token.start >= sorted[hole]![0] && token.end <= sorted[hole]![1];
    if (inside) {
      if (token.start === sorted[hole]![0]) parts.push('{…}');
      continue;
    }
    parts.push(model.code.slice(token.start, token.end));
  }
  return parts.join(' ');
}

export type { Node };
