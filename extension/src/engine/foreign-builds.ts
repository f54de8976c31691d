/**
 * The compiler that built a running module from a TypeScript source, when it is not TypeScript
 * itself, which a save of that source is compiled with (compile.ts: "the way the running file
 * was compiled"). An app built by SWC (`nest start -b swc`) or Babel runs code whose every
 * statement reads otherwise than tsc's for the same source: its exports are getters tsc's
 * `exports.x = x` cannot assign ("Cannot set property CatsService of #<Object> which has only a
 * getter"), its helpers have other names. Such a save is refused, naming the compiler and the
 * file it writes, which loads live statement by statement (`hotpatch load dist/…`).
 *
 * Told from the running code's structure (acorn), once per running version an app started with:
 * a version a load made was compiled here.
 */
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { parsedProgram, type AnyNode } from './javascript-imports';

/** Helpers each compiler writes into the module as top-level functions. */
const HELPERS = new Map([
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

export class ForeignBuilds {
  readonly #verdicts = new Map<string, Promise<string | undefined>>();

  /** The compiler other than TypeScript that built `module`'s running version, if one did. */
  compilerOf(client: AgentClient, module: ModuleInfo): Promise<string | undefined> {
    if (module.current.origin !== 'startup') return Promise.resolve(undefined);
    const key = `${client.info.pid}\0${module.file}\0${module.current.hash}`;
    let verdict = this.#verdicts.get(key);
    if (!verdict) {
      verdict = client.source(module.file).then(
        (running) => foreignCompilerOf(running.code),
        () => undefined,
      );
      this.#verdicts.set(key, verdict);
    }
    return verdict;
  }
}

/** The compiler other than TypeScript whose output `code` is (CommonJS, or an ES module with its helpers), if it is one's. */
export function foreignCompilerOf(code: string): string | undefined {
  const program = parsedProgram(code);
  if (!program) return undefined;
  for (const node of program.body as AnyNode[]) {
    if (node.type === 'FunctionDeclaration') {
      const by = HELPERS.get(node.id?.name ?? '');
      if (by) return by;
    }
    if (node.type === 'ExpressionStatement' && exportsGetterOfLocal(node.expression)) return 'SWC';
  }
  return undefined;
}

/**
 * `Object.defineProperty(exports, "x", { enumerable: true, get: function () { return x; } })`:
 * SWC's export of a declaration of the module. (tsc writes `exports.x = x`; its getters are
 * re-exports, which return a member of another module: `return m.x`.)
 */
function exportsGetterOfLocal(expression: AnyNode): boolean {
  const callee = expression.type === 'CallExpression' ? (expression.callee as AnyNode) : undefined;
  if (
    callee?.type !== 'MemberExpression' ||
    callee.object?.name !== 'Object' ||
    callee.property?.name !== 'defineProperty'
  )
    return false;
  const [target, , descriptor] = expression.arguments as AnyNode[];
  if (target?.type !== 'Identifier' || target.name !== 'exports' || descriptor?.type !== 'ObjectExpression')
    return false;
  const getter = (descriptor.properties as AnyNode[]).find((p) => p.key?.name === 'get')?.value as AnyNode | undefined;
  const statements = getter?.type === 'FunctionExpression' ? (getter.body.body as AnyNode[]) : [];
  return (
    statements.length === 1 &&
    statements[0]!.type === 'ReturnStatement' &&
    statements[0]!.argument?.type === 'Identifier'
  );
}

/** What a save of a source whose running module another compiler built says. */
export function foreignBuildMessage(file: string, built: string, compiler: string): string {
  return (
    `${file} is not loaded: the app runs ${built} as ${compiler} compiled it, and a save is compiled by TypeScript, ` +
    `whose code reads otherwise in every statement; load what ${compiler} writes instead (hotpatch load ${built}, ` +
    `or hotpatch watch on its folder beside ${compiler}'s watch), or restart the app after the build`
  );
}
