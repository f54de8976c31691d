/**
 * The compiler that made a running module's code from a TypeScript source, which a save of that
 * source must be compiled with (compile.ts: "the way the running file was compiled"): the agent
 * compares the two versions statement by statement, and another compiler's code for the same
 * source reads otherwise in every statement.
 *
 * - **TypeScript** made it: a `.ts` file run by ts-node (`node -r ts-node/register`, nodemon's
 *   usual `exec`) runs TypeScript's CommonJS, not the esbuild code tsx runs. A save compiled by
 *   esbuild made every statement "changed" and took the routes they had added back: a router's
 *   edited handler made its routes answer 404 until a restart. Compiled by TypeScript, the save
 *   loads as tsc's builds do.
 * - **SWC or Babel** made it: a build (`nest start -b swc`, `dist/…`) or a require hook
 *   (@swc-node/register, @babel/register). Their exports are getters TypeScript's `exports.x = x`
 *   cannot assign ("Cannot set property CatsService of #<Object> which has only a getter"), their
 *   helpers have other names: such a save is refused with the way forward (foreignBuildMessage).
 *
 * Told from the running code's structure (acorn), once per module of each agent: every later
 * version of it is compiled here the same way.
 */
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { parsedProgram, type AnyNode } from './javascript-imports';

export type RunningCompiler = 'TypeScript' | 'SWC' | 'Babel';

/** A module an agent runs, with the compiler its code was told to come from where that matters (see findTargets). */
export interface RunningModule extends ModuleInfo {
  compiledBy?: RunningCompiler;
}

/** Helpers each compiler writes into the module as top-level functions. */
const HELPERS = new Map<string, RunningCompiler>([
  ['_ts_decorate', 'SWC'],
  ['_ts_metadata', 'SWC'],
  ['_ts_param', 'SWC'],
  ['_interop_require_default', 'SWC'],
  ['_interop_require_wildcard', 'SWC'],
  ['_export', 'SWC'],
  ['_export_star', 'SWC'],
  ['_interopRequireDefault', 'Babel'],
  ['_interopRequireWildcard', 'Babel'],
]);

/** Verdicts by agent, then by module file: the client lives as long as its agent's connection. */
const verdicts = new WeakMap<AgentClient, Map<string, Promise<RunningCompiler | undefined>>>();

/** The compiler `module`'s running code was told to come from (runningCompilerOfCode); undefined when unknown or unreadable. */
export function runningCompilerOf(client: AgentClient, module: ModuleInfo): Promise<RunningCompiler | undefined> {
  let byFile = verdicts.get(client);
  if (!byFile) verdicts.set(client, (byFile = new Map()));
  let verdict = byFile.get(module.file);
  if (!verdict) {
    const asked = byFile;
    verdict = client.source(module.file).then(
      (running) => runningCompilerOfCode(running.code, module.format),
      () => {
        // Not kept: a request that failed now (a busy or reconnecting agent) is asked again next time.
        asked.delete(module.file);
        return undefined;
      },
    );
    byFile.set(module.file, verdict);
  }
  return verdict;
}

/**
 * SWC or Babel when `code` has their helpers or SWC's export getters; else TypeScript when it is
 * CommonJS that marks itself an ES module's compiled form as TypeScript does at its top
 * (`Object.defineProperty(exports, "__esModule", { value: true })`: esbuild's CommonJS sets that
 * inside its `__toCommonJS` helper instead); else undefined.
 */
export function runningCompilerOfCode(code: string, format: ModuleInfo['format']): RunningCompiler | undefined {
  const program = parsedProgram(code);
  if (!program) return undefined;
  let esModuleMark = false;
  for (const node of program.body as AnyNode[]) {
    if (node.type === 'FunctionDeclaration') {
      const by = HELPERS.get(node.id?.name ?? '');
      if (by) return by;
    }
    if (node.type !== 'ExpressionStatement') continue;
    if (exportsGetterOfLocal(node.expression)) return 'SWC';
    if (format === 'cjs' && marksEsModule(node.expression)) esModuleMark = true;
  }
  return esModuleMark ? 'TypeScript' : undefined;
}

/** A call `Object.defineProperty(exports, <name>, { … })`' arguments after the target, or undefined. */
function exportsDefinition(expression: AnyNode): AnyNode[] | undefined {
  const callee = expression.type === 'CallExpression' ? (expression.callee as AnyNode) : undefined;
  if (
    callee?.type !== 'MemberExpression' ||
    callee.object?.name !== 'Object' ||
    callee.property?.name !== 'defineProperty'
  )
    return undefined;
  const [target, ...rest] = expression.arguments as AnyNode[];
  return target?.type === 'Identifier' && target.name === 'exports' ? rest : undefined;
}

/** `Object.defineProperty(exports, "__esModule", { value: true })`. */
function marksEsModule(expression: AnyNode): boolean {
  const [name] = exportsDefinition(expression) ?? [];
  return name?.type === 'Literal' && name.value === '__esModule';
}

/**
 * `Object.defineProperty(exports, "x", { enumerable: true, get: function () { return x; } })`:
 * SWC's export of a declaration of the module. (tsc writes `exports.x = x`; its getters are
 * re-exports, which return a member of another module: `return m.x`.)
 */
function exportsGetterOfLocal(expression: AnyNode): boolean {
  const [, descriptor] = exportsDefinition(expression) ?? [];
  if (descriptor?.type !== 'ObjectExpression') return false;
  const getter = (descriptor.properties as AnyNode[]).find((p) => p.key?.name === 'get')?.value as AnyNode | undefined;
  const statements = getter?.type === 'FunctionExpression' ? (getter.body.body as AnyNode[]) : [];
  return (
    statements.length === 1 &&
    statements[0]!.type === 'ReturnStatement' &&
    statements[0]!.argument?.type === 'Identifier'
  );
}

/**
 * What a save of a source whose running module another compiler made says: `built` is the file
 * the app runs; `atLoad`, the app compiles the source itself as it loads it (a require hook),
 * so there is no built file to load instead.
 */
export function foreignBuildMessage(file: string, built: string, compiler: string, atLoad: boolean): string {
  if (atLoad) {
    return (
      `${file} is not loaded: the app compiles it with ${compiler} as it loads it, and a save is compiled by esbuild ` +
      `or TypeScript, whose code reads otherwise in every statement; restart the app to run the change ` +
      `(run by tsx or ts-node, its saves load live)`
    );
  }
  return (
    `${file} is not loaded: the app runs ${built} as ${compiler} compiled it, and a save is compiled by TypeScript, ` +
    `whose code reads otherwise in every statement; load what ${compiler} writes instead (hotpatch load ${built}, ` +
    `or hotpatch watch on its folder beside ${compiler}'s watch), or restart the app after the build`
  );
}
