/**
 * The edits that make a version's functions live: each function starts by checking whether a
 * newer body exists for its slot and, if so, forwards the call there (with the closure
 * variables it uses, for a function nested in another); each class registers itself by slot
 * and forwards `new` to its newest constructor. The same edits serve the first version (at
 * startup) and every later one (with its own generation).
 *
 * Lines never move: the edits insert text inside lines, so stack traces and source maps keep
 * pointing at the right line.
 */
import type { Identifier } from 'acorn';
import { arrowToken, hasToken, lastClosingParen, secondToken } from './shape';
import { Edits, type Edit } from './edits';
import type { AnyNode } from './walk';
import { guardCellName } from './guard-cell';
import { PRIVATE_COMPILER } from './private-classes';
import { bindingAccessCode, bindingNames } from './module-bindings';
import {
  declaredFunctionNames,
  directivePrologue,
  functionValueNames,
  directivesEnd,
  isDeclarationOnly,
  isFunction,
  type LiveClass,
  type LiveFunction,
  type ProgramModel,
} from './program';

/**
 * A CommonJS header's last argument: its function declarations, hoisted, so the agent knows them
 * as the module's own without reading its scope (see markLiveFunctions): reading it made V8
 * compile each module's access function as the app started, ≈25 µs a module (issue 13). Its
 * functions held by variables are handed over as each is declared (`__hotpatch$.own(f)`).
 */
function declaredFunctionsArgument(model: ProgramModel): string {
  const declared = declaredFunctionNames(model);
  return declared.length === 0 ? '' : `,[${declared.join(',')}]`;
}

/** What gives each function and class its slot: the same keys in the same order give the same slots. */
export interface SlotTable {
  /** The module's file. */
  readonly file: string;
  slotOf(key: string): number;
  /** The module's guard cell (see guard-cell.ts). */
  readonly cell: string;
}

/** The per-module variable instrumented code reaches the agent through. */
export const HP = '__hotpatch$';
/** The agent's global, as instrumented code reaches it. */
export const AGENT = 'globalThis[Symbol.for("hotpatch-agent")]';

/**
 * Adds the forwarding prologue to every function, and the registration to every class.
 * Returns each function's prologue: a function evaluated on its own, with its closure
 * variables read from `__hp_env`, gets one that passes that environment on instead.
 */
export function instrumentFunctions(
  model: ProgramModel,
  module: SlotTable,
  generation: number,
  edits: Edits,
): Map<LiveFunction, Edit[]> {
  const prologues = new Map<LiveFunction, Edit[]>();
  for (const fn of model.functions) {
    // A class with private members: its methods get new bodies compiled inside it
    // (private-classes.ts), its constructor none.
    if (fn.fixed || (fn.member?.owner.hasPrivate && fn.member.kind === 'constructor')) continue;
    prologues.set(fn, addPrologue(fn, module.slotOf(fn.key), module.cell, generation, model.code, edits));
  }
  for (const klass of model.classes) instrumentClass(klass, model, module, generation, edits);
  return prologues;
}

/**
 * The prologue of `fn`, as edits; `env` is the expression that gives its closure variables.
 * It forwards every argument the call got, not only the parameters this version declares: a
 * newer body may take more (`handle(message, state)` becoming `handle(kind, message, state)`,
 * called so by new code through the function the app holds).
 */
export function addPrologue(
  fn: LiveFunction,
  slot: number,
  cell: string,
  generation: number,
  code: string,
  edits: { insert(at: number, text: string, owner: Edit['owner'], closing?: boolean): Edit },
  envExpression?: string,
): Edit[] {
  const { node } = fn;
  const guard = guardOf(cell, slot, generation);
  const env = fn.shares.length === 0 ? '' : `,${envExpression ?? environment(fn.shares)}`;
  if (fn.member?.kind === 'constructor') {
    return [edits.insert(bodyStart(node), `if(${guard})return ${HP}.construct(${slot},arguments,new.target);`, node)];
  }
  if (node.type === 'ArrowFunctionExpression' && hasPatternParameters(node)) {
    return wrapArrow(node, guard, (args) => `${HP}.call(${slot},this,${args}${env})`, edits);
  }
  if (node.type === 'ArrowFunctionExpression') {
    // An arrow has no `arguments` of its own: a rest parameter (not counted in its `length`)
    // takes the others, unless a closure inside uses its parameters (see capturesParams): the
    // arrow then passes on the parameters it declares.
    const params = node.params as Identifier[];
    // A rest parameter makes the list not simple, which a body's 'use strict' does not allow.
    const rest = fn.capturesParams || declaresStrict(node) ? [] : restParameter(node, params, code, edits);
    const args =
      rest.length > 0
        ? `[${[...params.map((p) => p.name), `...${REST}`].join(',')}]`
        : `[${params.map((p) => p.name).join(',')}]`;
    const forward = `${HP}.call(${slot},this,${args}${env})`;
    if (node.expression) {
      const body = node.body;
      return [
        ...rest,
        edits.insert(body.start, `(${guard}?${forward}:(`, node),
        edits.insert(body.end, '))', node, true),
      ];
    }
    return [...rest, edits.insert(bodyStart(node), `if(${guard})return ${forward};`, node)];
  }
  const forward = `${HP}.call(${slot},this,arguments${env})`;
  const prologue = edits.insert(
    bodyStart(node),
    `if(${guard})return ${node.generator ? 'yield*' : ''}${forward};`,
    node,
  );
  return fn.mappedArguments ? [...unmapArguments(node, code, edits), prologue] : [prologue];
}

/** Whether an arrow destructures its arguments or gives them defaults (`({ request }) => …`, `(a, b = 1) => …`). */
export function hasPatternParameters(node: AnyNode): boolean {
  return node.type === 'ArrowFunctionExpression' && !(node.params as AnyNode[]).every((p) => p.type === 'Identifier');
}

/**
 * The prologue of an arrow that destructures its arguments: once destructured they are gone,
 * and an arrow has no `arguments` to forward them from. So the arrow is wrapped in one that
 * takes them as they came, forwards them or hands them to the arrow as it was written:
 * `({ request }, n = 1) => …` becomes
 * `(__hp_p0,...__hp_rest)=>{if(guard)return forward;return(({ request }, n = 1) => …)(__hp_p0,...__hp_rest)}`.
 * Both are arrows, so `this`, `arguments` and `new.target` are the same inside; the wrapper
 * declares one parameter for each the arrow counts in its `length` (those before the first
 * default), so its `length` is the arrow's. Its `name` is the arrow's too: it stands where
 * the arrow stood (`context: (…) => …`). It is async when the arrow is: libraries tell async
 * functions apart (Fastify refuses an async hook that takes `done`).
 */
function wrapArrow(
  node: AnyNode,
  guard: string,
  forward: (args: string) => string,
  edits: { insert(at: number, text: string, owner: Edit['owner'], closing?: boolean): Edit },
): Edit[] {
  const params = node.params as AnyNode[];
  const counted = params.findIndex((p) => p.type === 'AssignmentPattern' || p.type === 'RestElement');
  const taken = Array.from({ length: counted === -1 ? params.length : counted }, (_, i) => `__hp_p${i}`);
  const list = [...taken, `...${REST}`].join(',');
  const wrapper = [
    edits.insert(
      node.start,
      `${node.async ? 'async' : ''}(${list})=>{if(${guard})return ${forward(`[${list}]`)};return(`,
      node,
    ),
    edits.insert(node.end, `)(${list})}`, node, true),
  ];
  // Innermost of what the arrow's own edits put around it: a new body registered with
  // `impl(slot, …)` is the wrapped arrow, not a wrapper that registers it at each call.
  for (const edit of wrapper) edit.wraps = -1;
  return wrapper;
}

/** Whether `slot` has a body newer than `generation`: the cell first, which V8 folds while it holds 0. */
function guardOf(cell: string, slot: number, generation: number): string {
  return `${cell}>${generation}&&${HP}.v[${slot}]>${generation}`;
}

/**
 * An unused rest parameter, added to a sloppy function whose `arguments` only its prologue
 * reads: the parameter list is then not simple, so `arguments` is unmapped, as in strict code.
 * Node 20's optimizing compiler keeps a mapped `arguments` object on every call even where
 * the prologue never forwards it (≈3 ns a call); an unmapped one costs nothing until used.
 * The rest parameter does not count in the function's `length`.
 */
function unmapArguments(
  node: AnyNode,
  code: string,
  edits: { insert(at: number, text: string, owner: Edit['owner'], closing?: boolean): Edit },
): Edit[] {
  const params = node.params as AnyNode[];
  const from = params.at(-1)?.end ?? node.start;
  const close = lastClosingParen(code, from, (node.body as AnyNode).start);
  if (close === undefined) return [];
  // `function f(a, b,)`: a trailing comma may not follow a rest parameter, so it comes before it.
  const comma = params.length > 0 && !hasToken(code, from, close, ',') ? ',' : '';
  return [edits.insert(close, `${comma}...${REST}`, node)];
}

/** The rest parameter an arrow's prologue adds. */
const REST = '__hp_rest';

/** The edits that give an arrow the rest parameter `REST` after the ones it declares. */
function restParameter(
  node: AnyNode,
  params: Identifier[],
  code: string,
  edits: { insert(at: number, text: string, owner: Edit['owner'], closing?: boolean): Edit },
): Edit[] {
  if (params.length === 0) {
    const close = closingParen(code, node.start, (node.body as AnyNode).start);
    return close === undefined ? [] : [edits.insert(close, `...${REST}`, node)];
  }
  if (parenthesized(code, node, params[0]!)) {
    const from = params.at(-1)!.end;
    const arrow = arrowToken(code, from, (node.body as AnyNode).start);
    const close = arrow ? lastClosingParen(code, from, arrow.start) : undefined;
    if (close === undefined) return [];
    // `(a, b,) =>` (Prettier's trailing commas): a rest parameter may not be followed by one.
    const comma = hasToken(code, from, close, ',') ? '' : ',';
    return [edits.insert(close, `${comma}...${REST}`, node)];
  }
  // Owned by the parameter, inside what wraps the arrow where it starts (`impl(slot, x=>…)` of
  // an arrow a changed statement makes anew): `(` goes after that wrapper's opening, not before.
  const [only] = params;
  return [edits.insert(only!.start, '(', only!), edits.insert(only!.end, `,...${REST})`, only!, true)];
}

/** Whether a function's body starts with a 'use strict' directive. */
function declaresStrict(node: AnyNode): boolean {
  const body = node.body as AnyNode;
  return (
    body.type === 'BlockStatement' &&
    directivePrologue(body.body as AnyNode[]).some((d) => d.directive === 'use strict')
  );
}

/** Whether an arrow's parameters are in parentheses (`async x => …` has none, `(x) => …` has). */
function parenthesized(code: string, node: AnyNode, first: Identifier): boolean {
  const start = node.async ? secondToken(code, node.start, first.end) : node.start;
  return code[start] === '(';
}

/** The position of the `)` closing an arrow's empty parameter list. */
function closingParen(code: string, start: number, end: number): number | undefined {
  const arrow = arrowToken(code, start, end);
  return arrow ? lastClosingParen(code, start, arrow.start) : undefined;
}

/** After the body's `{` and its directives ('use strict' must stay first to stay in force). */
function bodyStart(node: AnyNode): number {
  const body = node.body as AnyNode;
  return directivesEnd(body.body as AnyNode[], body.start + 1);
}

/**
 * An object whose accessors read and write the caller's closure variables; those named in
 * `fromEnv` are themselves read from `__hp_env` (inside a function evaluated on its own).
 */
export function environment(names: string[], fromEnv?: ReadonlySet<string>): string {
  const variable = (n: string): string => (fromEnv?.has(n) ? `__hp_env.${n}` : n);
  return `{${names.map((n) => `get ${n}(){return ${variable(n)}},set ${n}(__hp_v){${variable(n)}=__hp_v}`).join(',')}}`;
}

function instrumentClass(
  klass: LiveClass,
  model: ProgramModel,
  module: SlotTable,
  generation: number,
  edits: Edits,
): void {
  const slot = module.slotOf(klass.key);
  const body = klass.node.body;
  let text = `static{${HP}.klass(${slot},this)}`;
  const hasConstructor = model.functions.some((f) => f.member?.owner === klass && f.member.kind === 'constructor');
  if (!hasConstructor && !klass.hasPrivate) {
    const ctor = module.slotOf(constructorKey(klass));
    const guard = `if(${guardOf(module.cell, ctor, generation)})return ${HP}.construct(${ctor},`;
    text += klass.node.superClass
      ? `constructor(...a){${guard}a,new.target);super(...a)}`
      : `constructor(){${guard}arguments,new.target)}`;
  }
  if (klass.hasPrivate) text += PRIVATE_COMPILER;
  edits.insert(body.start + 1, text, klass.node);
}

export function constructorKey(klass: { key: string }): string {
  return `${klass.key}.constructor:constructor`;
}

/**
 * The first version's code made live: its header and statement marks (instrumentStartup)
 * and every function's prologue. The main thread (CommonJS) and the module hooks thread (ES
 * modules) both make it; `slots` numbers the functions in the order they are met.
 */
export function instrumentFirstVersion(
  model: ProgramModel,
  slots: SlotTable,
  /** An ES module whose code the hooks hand over in the app's thread (see esm-sources.ts): its header carries none. */
  sourceHandedOver = false,
): string {
  const edits = new Edits();
  instrumentStartup(model, edits, slots.file, sourceHandedOver);
  instrumentFunctions(model, slots, 1, edits);
  return edits.render(model.code, 0, model.code.length).text;
}

/** Slots by key, numbered as LiveModule numbers them, for the module at `file`. */
export class SlotCounter implements SlotTable {
  readonly #slots = new Map<string, number>();
  readonly cell: string;

  constructor(readonly file: string) {
    this.cell = guardCellName(file);
  }

  slotOf(key: string): number {
    let slot = this.#slots.get(key);
    if (slot === undefined) this.#slots.set(key, (slot = this.#slots.size));
    return slot;
  }
}

/**
 * The first version's own additions: the module's variable `__hotpatch$`, announcing every
 * module-scope binding by name with one function that reads and writes them (so later versions
 * read and write the very variables this version's closures use; see module-bindings.ts), and
 * top-level `const` made `let` so a changed initializer can be assigned. Inserted after the directives, on their line.
 *
 * An ES module's header also hands over its file, through the same function its `import.meta`
 * (made only if asked for) and an `import()` that resolves from the module itself (for imports
 * a later version adds), and its code as read (unless the hooks hand it over, see
 * esm-sources.ts): the hooks thread instruments it, and the main thread reads the same code to
 * build the same tables.
 */
export function instrumentStartup(model: ProgramModel, edits: Edits, file: string, sourceHandedOver = false): void {
  const assignable = [...model.bindings].filter(([, declaration]) => declaration !== 'import').map(([n]) => n);
  const imports = [...model.bindings].filter(([, declaration]) => declaration === 'import').map(([n]) => n);
  const access = bindingAccessCode(assignable, imports, model.kind);
  const scope = `${JSON.stringify(bindingNames(assignable, imports))},${access}`;
  const at = headerPosition(model);
  const entry =
    model.kind === 'esm'
      ? `liveEsm(${JSON.stringify(file)},${scope}${sourceHandedOver ? '' : `,${JSON.stringify(model.code)}`})`
      : `live(__filename,${scope}${declaredFunctionsArgument(model)})`;
  // Owned by the whole program, so it precedes the first statement's mark at the same place.
  edits.insert(at, `;var ${HP}=${AGENT}.${entry};`, { start: 0, end: model.code.length });
  model.statements.forEach((statement, index) => {
    const node = statement.outer ?? statement.node;
    if (typeof node.directive !== 'string' && !isDeclarationOnly(node) && !runsNoCode(node))
      edits.insert(node.start, statementMark(index), node);
    // A CommonJS module's functions held by variables, handed over once declared (see declaredFunctionsArgument).
    const functions = model.kind === 'cjs' ? functionValueNames(statement) : [];
    if (functions.length > 0) edits.insert(node.end, `;${HP}.own(${functions.join(',')});`, node, true);
  });
  // `import.meta` of the module as the app knows it: its URL without the facade's query.
  for (const meta of model.importMeta) edits.replace(meta.start, meta.end, `${HP}.meta`);
  for (const statement of model.statements) {
    if (statement.declaration === 'const') {
      const start = statement.node.start;
      edits.replace(start, start + 5, 'let  ');
    }
  }
}

/**
 * A statement whose evaluation runs none of the app's code, so starts nothing a mark would
 * attribute: a function declaration, or variables that a literal or a function initialises. It
 * gets no mark (most of a module's statements: a mark each was a call and an identity kept for
 * every such statement of the app as it started, issue 13).
 */
function runsNoCode(node: AnyNode): boolean {
  const declaration =
    node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration'
      ? (node.declaration as AnyNode | null)
      : node;
  if (declaration?.type === 'FunctionDeclaration') return true;
  if (declaration?.type !== 'VariableDeclaration') return false;
  return (declaration.declarations as AnyNode[]).every((declarator) => {
    const init = declarator.init as AnyNode | null;
    if ((declarator.id as AnyNode).type !== 'Identifier') return false; // a pattern reads the value: getters run
    if (!init || init.type === 'Literal' || isFunction(init)) return true;
    return init.type === 'TemplateLiteral' && (init.expressions as AnyNode[]).length === 0;
  });
}

/** Marks the start of top-level statement `index`: timers it starts are known to be its own. */
export function statementMark(index: number): string {
  return `${HP}.at(${index});`;
}

/** The header of a later version: its `__hotpatch$` is the scope the code server staged for it. */
export function versionHeader(): string {
  return `;var ${HP}=${AGENT}.live(__filename);`;
}

/** Where the header goes: after the directives, or after a `#!` line. */
export function headerPosition(model: ProgramModel): number {
  if (model.prologueEnd > 0) return model.prologueEnd;
  if (model.code.startsWith('#!')) {
    const newline = model.code.indexOf('\n');
    return newline < 0 ? model.code.length : newline + 1;
  }
  return 0;
}
