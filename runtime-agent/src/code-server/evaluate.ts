/**
 * Evaluating one version of a module's code in isolation, and turning what goes wrong into
 * an error that names the file, line and column.
 *
 * Every version after the first is CommonJS code (clients compile TS and ESM to it with
 * esbuild) compiled by `new Module(file, null)` + `_compile`: a null parent so no module's
 * `children` grows with each load, no entry in `require.cache`, and nothing else that
 * outlives the version once it is replaced. `require` inside it resolves from the file's own
 * folder; `require` of a hot ES module returns that module's live facade.
 */
import Module from 'node:module';
import { dirname } from 'node:path';
import { v8 } from '../builtins';
import type { LoadErrorData } from '../protocol';
import {
  DefinitionCollector,
  beginDefinitions,
  endDefinitions,
  type ServerDefinition,
} from '../processes/define-server';
import { discardTrees, type PendingTrees } from '../processes/supervision/trees';
import { BudgetExceeded, runWithinBudget, topLevelBudget } from './budget';
import { enterTopLevel, leaveTopLevel } from './live/top-level';
import { captureTimers, type OwnedTimers } from './timer-ownership';

export interface InternalModule {
  exports: unknown;
  filename: string;
  paths: string[];
  loaded: boolean;
  _compile(content: string, filename: string, ...rest: unknown[]): unknown;
}
interface InternalModuleStatics {
  new (id: string, parent: null): InternalModule;
  _nodeModulePaths(from: string): string[];
  prototype: InternalModule;
}
export const NodeModule = Module as unknown as InternalModuleStatics;

/** Node's own `_compile`, saved before the startup hook wraps it. */
export const originalCompile = NodeModule.prototype._compile;

/** A version's top level failed: the current version keeps serving. */
export class LoadFailure extends Error {
  constructor(readonly data: LoadErrorData) {
    super(formatLoadError(data));
    this.name = 'LoadFailure';
  }
}

export function formatLoadError(data: LoadErrorData): string {
  const where = data.line === undefined ? data.file : `${data.file}:${data.line}:${data.column ?? 1}`;
  const what =
    data.kind === 'syntax' ? 'syntax error' : data.kind === 'timeout' ? 'top level cut off' : 'top level threw';
  return `${where}: ${what}: ${data.message}`;
}

export interface Evaluated {
  /** The version's raw `module.exports`. */
  exports: unknown;
  /** Timers its top level started. */
  timers: OwnedTimers;
  /** Servers its top level defined, by key. */
  servers: Map<string, ServerDefinition>;
  /** What its top level's supervise() calls did to supervision trees (processes/supervision/trees.ts). */
  trees: PendingTrees;
}

/**
 * Runs a version's top level, recording what it owns: the timers it starts and the servers it
 * defines. If a version being loaded throws, the timers and supervision trees it started stop
 * again: it will never be current, and nothing of it stays.
 */
export function captureTopLevel<T>(
  file: string,
  evaluate: () => T,
  /** A version being loaded, not the app's own startup. */
  loading = false,
): { result: T; timers: OwnedTimers; servers: Map<string, ServerDefinition>; trees: PendingTrees } {
  const collector = new DefinitionCollector(file);
  beginDefinitions(collector);
  const frame = enterTopLevel(file, loading);
  let ran = false; // not caught and thrown again: see captureTimers
  try {
    // A loading version's timers are held until it is committed (see timer-ownership.ts).
    const { result, timers } = captureTimers(evaluate, loading);
    ran = true;
    return { result, timers, servers: collector.definitions, trees: collector.trees };
  } finally {
    if (!ran && loading) discardTrees(collector.trees);
    leaveTopLevel(frame);
    endDefinitions(collector);
  }
}

/**
 * Compiles and runs `code` as a fresh CommonJS module for `file`. Throws LoadFailure.
 * `exports` starts the module's exports (a live module's patch keeps the running ones).
 * The top level runs within its time budget (see budget.ts): one that never yields is cut off.
 */
export function evaluateVersion(file: string, code: string, exports?: unknown): Evaluated {
  const url = nextVersionUrl(file);
  const module = new NodeModule(file, null);
  if (exports !== undefined) module.exports = exports;
  module.filename = file;
  module.paths = NodeModule._nodeModulePaths(dirname(file));
  const budgetMs = topLevelBudget();
  try {
    const { timers, servers, trees } = captureTopLevel(
      file,
      () =>
        runWithinBudget(
          () => withoutCompilationCache(() => originalCompile.call(module, `${code}\n//# sourceURL=${url}`, file)),
          budgetMs,
        ),
      true,
    );
    module.loaded = true;
    return { exports: module.exports, timers, servers, trees };
  } catch (error) {
    if (error instanceof BudgetExceeded) {
      throw new LoadFailure({
        kind: 'timeout',
        file,
        message:
          `it ran past its time budget of ${budgetMs} ms and was stopped (a loop that never ends?); ` +
          'the version is refused, the current one keeps serving (topLevelBudgetMs, HOTPATCH_TOP_LEVEL_BUDGET_MS)',
      });
    }
    throw new LoadFailure(withinCode(describeLoadError(file, error, url), code));
  }
}

/**
 * An error V8 placed past the code's last line lies in the sourceURL comment appended to it: an
 * unexpected end of input, which is where the code ends.
 */
function withinCode(data: LoadErrorData, code: string): LoadErrorData {
  const lines = code.split('\n');
  if (data.line === undefined || data.line <= lines.length) return data;
  return { ...data, line: lines.length, column: lines.at(-1)!.length + 1 };
}

const versionsEvaluated = new Map<string, number>();

/**
 * The URL a version's script goes by in stack traces and debuggers: its file with the version's
 * ordinal as a fragment (`/app/dist/greeting.js#hotpatch-2`). Under the file's own URL a debugger
 * that sets breakpoints by URL (js-debug, Chrome DevTools) re-binds the first version's compiled
 * lines to the new script, where they mean other code, and keeps reading the first version's
 * source map; under a URL of its own the new script is mapped through its own inline map. Not a
 * query: debuggers match `?…` as a cache-buster of the same file. Source-mapped stacks
 * (`--enable-source-maps`, tsx) still print the TypeScript file and line.
 */
function nextVersionUrl(file: string): string {
  const ordinal = (versionsEvaluated.get(file) ?? 1) + 1;
  versionsEvaluated.set(file, ordinal);
  return `${file}${VERSION_MARK}${ordinal}`;
}

/** What comes between a file and its version's ordinal in a version's URL (nextVersionUrl). */
export const VERSION_MARK = '#hotpatch-';

let uncachedDepth = 0;

/**
 * V8 keeps each script it compiles in its compilation cache, keyed by the source, until the
 * entry ages out; every hot version is a source never seen again (≈45 KB kept per version on
 * Node 22/24, which over thousands of loads looks like a leak). So versions are compiled with
 * the cache off and the app's own code keeps it: code that compiles the same source again
 * (template engines, schema compilers, `new Function` in a loop) ran 16–22× slower without it.
 * V8 reads the flag at each lookup, so it can be switched around one compile.
 */
export function withoutCompilationCache<T>(compile: () => T): T {
  if (uncachedDepth++ === 0) v8().setFlagsFromString('--no-compilation-cache');
  try {
    return compile();
  } finally {
    if (--uncachedDepth === 0) v8().setFlagsFromString('--compilation-cache');
  }
}

/**
 * Finds where `error` happened in `file`: from V8's syntax-error header, or from the raw call
 * sites of the stack. Raw, because with --enable-source-maps (tsx, ts-node, TS builds) Node
 * maps the printed stack through the file's cached map, which belongs to an older version.
 */
export function describeLoadError(file: string, error: unknown, url = file): LoadErrorData {
  const isSyntax = error instanceof SyntaxError;
  const message = error instanceof Error ? error.message : `non-error value thrown: ${String(error)}`;
  const sites = error instanceof Error && !isSyntax ? rawCallSites(error) : undefined;
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const data: LoadErrorData = { kind: isSyntax ? 'syntax' : 'evaluation', file, message };
  if (stack) data.stack = stack;
  if (isSyntax) {
    // V8 decorates a compile error's stack as "<file>:<line>\n<source line>\n   ^^^\n\nSyntaxError: ...".
    const [header = '', , caret = ''] = stack.split('\n');
    const line = new RegExp(`^(?:${escapeRegExp(url)}|${escapeRegExp(file)}):(\\d+)$`).exec(header);
    if (line) {
      data.line = Number(line[1]);
      const column = caret.indexOf('^');
      if (column >= 0) data.column = column + 1;
    }
    return data;
  }
  const site = sites?.find((s) => s.getFileName() === url || s.getFileName() === file);
  if (site?.getLineNumber()) {
    data.line = site.getLineNumber()!;
    data.column = site.getColumnNumber() ?? 1;
    return data;
  }
  const frame = new RegExp(`(?:${escapeRegExp(url)}|${escapeRegExp(file)}):(\\d+):(\\d+)`).exec(stack);
  if (frame) {
    data.line = Number(frame[1]);
    data.column = Number(frame[2]);
  }
  return data;
}

/**
 * The error's call sites, captured as V8 formats its stack for the first time (the stack of
 * an error fresh from a version's top level has not been read yet). Undefined if it had been.
 */
function rawCallSites(error: Error): NodeJS.CallSite[] | undefined {
  const previous = Error.prepareStackTrace;
  let captured: NodeJS.CallSite[] | undefined;
  Error.prepareStackTrace = (e, sites) => {
    captured = sites;
    return `${String(e)}\n${sites.map((s) => `    at ${s.toString()}`).join('\n')}`;
  };
  try {
    void error.stack;
  } finally {
    Error.prepareStackTrace = previous;
  }
  return captured;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
