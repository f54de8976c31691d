/**
 * The structure of one version of a CommonJS module, read with a real parser (acorn) and a
 * scope analyser (eslint-scope): its top-level statements, the bindings of its module scope,
 * and every function and class with a stable identity (its key) derived from where it sits in
 * the source, so the same handler in two versions of a file is known to be the same one.
 *
 * Keys follow React Fast Refresh's idea of a stable identity per definition: a function's key
 * is its enclosing function's key plus its own place (`fn:name`, `prop:name`, the call it is
 * an argument of, `app.get('/')#1`, inside the call that one is an argument of), with an
 * ordinal only when two places read the same.
 */
import type { Node, Program, Identifier } from 'acorn';
import type { Scope, ScopeManager } from 'eslint-scope';
import { acorn, eslintScope } from './parsers';
import { Reader } from './reader';
import type { InstanceField } from './fields';
import type { Shape } from './shape';
import type { EnumFilling } from './enum-filling';
import type { AnyNode } from './walk';
import { errorMessage } from '../../error-message';

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
  /** Its own code, with nested function bodies left out: equal means unchanged. */
  own: Shape;
  /** Variables of enclosing functions and blocks it uses (the closure it needs besides the module scope). */
  env: string[];
  /**
   * What its prologue hands a newer body as its closure: `env`, and the variables around it
   * that other closures made in its enclosing function capture (a per-connection timer's new
   * body may use the connection's state that the connection's close listener keeps).
   */
  shares: string[];
  /** 1-based line of its start. */
  line: number;
  /** Why calls to it cannot be sent to a newer body, when they cannot. */
  fixed?: string;
  /** Its own code reads `this` (an arrow's `this` is its creator's: another object cannot be passed to it). */
  usesThis: boolean;
  /** Its own code reads `arguments`: its prologue passes that on rather than its parameters. */
  usesArguments: boolean;
  /** Whether its own code uses `super` (a method that does cannot be compiled outside its class). */
  usesSuper: boolean;
  /**
   * Its `arguments` would be a sloppy-mode mapped one that only its prologue reads (see
   * instrument.ts: the prologue then adds an unused rest parameter, which makes it unmapped).
   */
  mappedArguments?: boolean;
  /**
   * A function nested in it uses one of its parameters. A rest parameter added to it would
   * give its parameters a temporal dead zone, checked at each use from the nested function:
   * in a hot loop V8 then boxes every number it carries (×5 the loop's time, measured).
   */
  capturesParams: boolean;
  /**
   * Its statements that register a callback on one of its parameters or on a local it returns
   * (`fastify.get('/x', handler)`, `app.use(fn)`, `router.get(…); return router;`): the shape of
   * a plugin, setup function or router factory, which runs once, at startup (setup-statements.ts).
   */
  setup: Shape[];
  /** Those of `setup` that add a route (`fastify.get(…)`, `router.post(…)`; see setup-statements.ts). */
  setupRoutes: Shape[];
}

export interface LiveClass {
  node: ClassNode;
  key: string;
  name: string;
  /** It uses `#private` names (a token, not a guess from text): its methods cannot move to a new class. */
  hasPrivate: boolean;
  /** Its own code with member bodies left out. */
  own: Shape;
  line: number;
  /** Its instance fields (see fields.ts). */
  fields: InstanceField[];
}

/** A top-level statement, and the module bindings it declares. */
export interface TopStatement {
  /** The statement; for `export function f…`, `export const…`, the declaration inside the `export`. */
  node: AnyNode;
  /** The `export` declaration around `node`, when there is one (ES modules). */
  outer?: AnyNode;
  /** Its code with every function and class body left out: equal means the statement itself is unchanged. */
  shape: Shape;
  declares: string[];
  declaration?: Declaration;
  /** tsc's `exports.a = exports.b = void 0;`, which only announces export names. */
  exportNames: boolean;
  /** For `target = value;`: the target's tokens (a changed assignment to it supersedes the old one). */
  assigns: string | undefined;
  /** tsc's enum filled in (a changed one runs again on the running enum: enum-filling.ts). */
  fills?: EnumFilling;
  /**
   * A compiler's decorator call: the class, what identifies its decorators (see decorators.ts),
   * and the field whose class-validator rules it sets, if that is all it does.
   */
  decorates: { className: string; key: string; member: boolean; validatedField?: string } | undefined;
  line: number;
}

export type Declaration = 'var' | 'let' | 'const' | 'function' | 'class' | 'import';

/** CommonJS (a script in Node's module wrapper) or an ES module. */
export type ModuleKind = 'cjs' | 'esm';

export interface ProgramModel {
  code: string;
  kind: ModuleKind;
  ast: Program;
  /** End of the directive prologue ('use strict'): where inserted code keeps the directives in force. */
  prologueEnd: number;
  statements: TopStatement[];
  functions: LiveFunction[];
  classes: LiveClass[];
  /** Module-scope bindings and their declaration kind (`import`: an ES module's imported binding, read-only). */
  bindings: Map<string, Declaration>;
  /** An ES module's exports: name (`default` included; `*` for `export * from`) → the module binding it reads, if one (empty for CommonJS). */
  exports: Map<string, string | undefined>;
  /** `import.meta` expressions (a later version's code reads the module's through `__hotpatch$`). */
  importMeta: AnyNode[];
  /** Every identifier that refers to a module-scope binding. */
  moduleRefs: Identifier[];
  /** The module's function declarations, with their references: read at the top level itself, or from inside a function. */
  functionRefs: Map<string, Array<{ identifier: Identifier; topLevel: boolean }>>;
  /** Identifiers called directly: `name(…)`. */
  callees: Set<Identifier>;
  /** Functions passed to esbuild's `__name(fn, "fn")` helper there: a reference that only names them. */
  namedOnly: Set<Identifier>;
  /** Identifiers that are the value of a shorthand property (`{ users }`). */
  shorthand: Set<Identifier>;
  /** Functions that are the value of an object literal's property, with the property and the object. */
  properties: Map<AnyNode, { property: AnyNode; object: AnyNode }>;
  scopes: ScopeManager;
  /** The scope of the module's own variables: the program's, or the wrapper function's (tsx). */
  moduleScope: Scope;
  /** The module's top-level statements: the program's, or those inside the wrapper. */
  body: AnyNode[];
  /** The 1-based line of a position. */
  lineOf(position: number): number;
}

/** Code the parser cannot read: a syntax error, with its 1-based line and 0-based column. */
export class ParseFailure extends Error {
  constructor(
    message: string,
    readonly position?: { line: number; column: number },
  ) {
    super(message);
  }
}

/** Between the parts of a key: not a character that source text such as `'/'` would bring. */
export const KEY_SEPARATOR = ' › ';
/** Between a call and the place it sits in: `call:router.get('/:id',…)#1 ∘ call:asyncHandler()#0`. */
export const CONTEXT_JOIN = ' ∘ ';
/**
 * Around the literal properties that place an object among the elements of its array (a route
 * config's `method:'POST',path:'/books'`), in the places of the functions inside it.
 */
export const OBJECT_IDENTITY = ['⟨', '⟩'] as const;

let read = 0;

/**
 * How many programs this thread has read (for the code cache, code-cache.ts: made once the
 * reader has run).
 */
export const programsRead = (): number => read;

/** `sourceLine` maps a compiled line and column to the line of the source the user edits (reports name those). */
export function readProgram(
  code: string,
  sourceLine?: (line: number, column: number) => number,
  kind: ModuleKind = 'cjs',
): ProgramModel {
  read++;
  let ast: Program;
  const esm = kind === 'esm';
  try {
    // No tokens and no locations: they cost more than the parse itself (see shape.ts).
    ast = acorn().Parser.parse(code, {
      ecmaVersion: 'latest',
      sourceType: esm ? 'module' : 'script',
      allowReturnOutsideFunction: !esm,
      allowHashBang: true,
    });
  } catch (error) {
    const position = (error as { loc?: { line: number; column: number } }).loc;
    throw new ParseFailure(errorMessage(error), position);
  }
  giveNodesRanges(ast);
  const scopes = eslintScope().analyze(ast, {
    ecmaVersion: 2022,
    sourceType: esm ? 'module' : 'script',
    nodejsScope: !esm,
  });
  const wrapper = esm ? undefined : moduleWrapper(ast);
  const moduleScope = scopes.scopes.find((s) =>
    esm ? s.type === 'module' : s.type === 'function' && s.block === (wrapper ?? ast),
  );
  if (!moduleScope) throw new ParseFailure('no module scope');
  const body = wrapper ? ((wrapper.body as AnyNode).body as AnyNode[]) : (ast.body as AnyNode[]);
  const model: ProgramModel = {
    code,
    kind,
    ast,
    prologueEnd: directivesEnd(body, wrapper ? (wrapper.body as AnyNode).start + 1 : 0),
    moduleScope,
    body,
    statements: [],
    functions: [],
    classes: [],
    bindings: new Map(),
    exports: new Map(),
    importMeta: [],
    moduleRefs: [],
    functionRefs: new Map(),
    callees: new Set(),
    namedOnly: new Set(),
    shorthand: new Set(),
    properties: new Map(),
    scopes,
    lineOf: lineIndex(code, sourceLine),
  };
  for (const variable of moduleScope.variables) {
    const def = variable.defs[0];
    if (!def || variable.name === 'arguments') continue;
    const declaration: Declaration =
      def.type === 'FunctionName'
        ? 'function'
        : def.type === 'ClassName'
          ? 'class'
          : def.type === 'ImportBinding'
            ? 'import'
            : ((def.parent?.kind ?? 'var') as 'var' | 'let' | 'const');
    model.bindings.set(variable.name, declaration);
    for (const reference of variable.references) model.moduleRefs.push(reference.identifier);
    if (declaration === 'function') {
      const refs = variable.references.map((r) => ({
        identifier: r.identifier,
        topLevel: r.from.variableScope === moduleScope,
      }));
      model.functionRefs.set(variable.name, refs);
    }
  }
  new Reader(model).read();
  return model;
}

let rangesGiven = false;

/**
 * eslint-scope reads the `range` of a few nodes (a function's body, the identifiers it resolves
 * in one); acorn's `ranges` option gives every node an array of its own, a third of the tree's
 * memory (a 500-line module's: 1.7 → 1.2 MB). The nodes of this agent's parser, of acorn's
 * Node class (which it exports for such additions), answer from their start and end instead,
 * once the first program is read (not at the agent's start, which then parses nothing).
 */
function giveNodesRanges(ast: Program): void {
  if (rangesGiven) return;
  rangesGiven = true;
  Object.defineProperty(Object.getPrototypeOf(ast), 'range', {
    get(this: Node): [number, number] {
      return [this.start, this.end];
    },
    configurable: true,
  });
}

/** A function from position to 1-based line, by binary search over the line starts. */
export function lineIndex(
  code: string,
  sourceLine?: (line: number, column: number) => number,
): (position: number) => number {
  const starts = [0];
  for (let at = code.indexOf('\n'); at >= 0; at = code.indexOf('\n', at + 1)) starts.push(at + 1);
  return (position) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= position) low = mid;
      else high = mid - 1;
    }
    return sourceLine ? sourceLine(low + 1, position - starts[low]!) : low + 1;
  };
}

/** A CommonJS program's top-level statements: its own, or those inside tsx's wrapper (moduleWrapper). */
export function commonJsStatements(ast: Program): AnyNode[] {
  const wrapper = moduleWrapper(ast);
  return wrapper ? ((wrapper.body as AnyNode).body as AnyNode[]) : (ast.body as AnyNode[]);
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

/** The directives ('use strict') that open a program's or a function's statements. */
export function directivePrologue(body: AnyNode[]): AnyNode[] {
  const end = body.findIndex(
    (statement) => statement.type !== 'ExpressionStatement' || typeof statement.directive !== 'string',
  );
  return end < 0 ? body : body.slice(0, end);
}

/** Where the directives that open `body` end; `start` when there are none. */
export function directivesEnd(body: AnyNode[], start: number): number {
  return directivePrologue(body).at(-1)?.end ?? start;
}

/** Whether a class's source uses `#private` names: read by the tokenizer, so `'#fff'` in a string is not one. */
export function usesPrivateNames(source: string): boolean {
  try {
    for (const token of acorn().tokenizer(source, { ecmaVersion: 'latest' })) {
      if (token.type.label === 'privateId') return true;
    }
  } catch {
    return false;
  }
  return false;
}

/*
 * A module's own functions are the bindings that hold a function written in it: a declaration,
 * or a function written as a variable's value. The same object through every load (a new body
 * goes to its place, and its calls forward to it), which importers can hold as it is (see
 * markLiveFunctions).
 */

/** The module's function declarations: hoisted, so a CommonJS header hands them over (instrumentStartup). */
export function declaredFunctionNames(model: ProgramModel): string[] {
  return model.statements.filter((statement) => statement.declaration === 'function').flatMap((s) => s.declares);
}

/** The variables a top-level statement declares whose value is a function written there. */
export function functionValueNames(statement: TopStatement): string[] {
  if (statement.node.type !== 'VariableDeclaration') return [];
  const found: string[] = [];
  for (const declarator of statement.node.declarations as AnyNode[]) {
    const init = declarator.init as AnyNode | null;
    if (init && isFunction(init) && (declarator.id as AnyNode).type === 'Identifier')
      found.push(String(declarator.id.name));
  }
  return found;
}

/** An `import` or `export … from`, `export { … }`: nothing of it runs where it stands. */
export function isDeclarationOnly(node: AnyNode): boolean {
  return (
    node.type === 'ImportDeclaration' ||
    node.type === 'ExportAllDeclaration' ||
    (node.type === 'ExportNamedDeclaration' && !node.declaration)
  );
}

export function isFunction(node: AnyNode): node is FunctionNode {
  return (
    node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression'
  );
}

export function isExportNames(node: AnyNode): boolean {
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

export function keyName(key: AnyNode): string {
  if (key.type === 'Identifier' || key.type === 'PrivateIdentifier') return String(key.name);
  return String(key.value);
}

export type { Node };
