/**
 * Live code: the first version of a module is instrumented as the app loads it, and every
 * later version is evaluated as a patch against the running one (see patch.ts).
 *
 * Instrumented code reaches this through `globalThis[Symbol.for('hotpatch-agent')]`: the
 * first version of a CommonJS module calls `live` with accessors over its module scope, a
 * later version without, to receive the VersionScope staged for it. An ES module's first
 * version, instrumented in the module hooks thread, calls `liveEsm` (see esm-hooks.ts).
 */
import { LoadFailure } from '../evaluate';
import { sourceLines } from '../original-source';
import type { Mapped } from './edits';
import { digestOf, summaryOf, type Digest } from './digest';
import { instrumentFirstVersion } from './instrument';
import { LiveModule, VersionScope } from './live-module';
import type { BindingAccess } from './module-bindings';
import { compilePrivateMethods } from './private-classes';
import { buildPatch, type Patch, type PatchReport } from './patch';
import type { SetupChange } from './setup-changes';
import { forgetRemovedStatement, undoneLine } from './match';
import { unregister } from './registrations';
import { changedStatements } from './changed-statements';
import { ParseFailure, readProgram, type ModuleKind, type ProgramModel } from './program';
import { transformCache } from '../transform-cache';
import { ReadAhead, patchAhead, patchedAheadFits } from './read-ahead';
import { FirstEsmAccess, FirstVersionReadLater, classesOf } from './first-version';
import { takeSource } from './esm-sources';

export { LiveModule, VersionScope, type PatchReport, type Digest };

/** What a version of a live module carries beside its exports. */
export interface LiveVersion {
  scope: VersionScope;
  digest: Digest;
  report: PatchReport | undefined;
  /** Each class of this version by slot, with its members, to install its methods as the newest bodies. */
  classes: Map<number, ClassInfo>;
  /** Old statement index → new statement index, for the statements kept (their timers carry over). */
  kept: Map<number, number>;
  /** The statements of the running version this one removed or changed: what they registered is taken back. */
  removed: object[];
  /**
   * New statement index → the running statement it changed, where that one is known (alone
   * between the same kept neighbours): if the new one does not run (a restart applies it), the
   * running one's registrations stay (install.ts).
   */
  replaces: Map<number, { id: object; undone: string }>;
  /** Its functions that register something new (see SetupChange). */
  setupChanges: SetupChange[];
}

export interface ClassInfo {
  name: string;
  hasPrivate: boolean;
  members: ClassMember[];
}

export interface ClassMember {
  slot: number;
  name: string;
  kind: 'constructor' | 'method' | 'get' | 'set';
  isStatic: boolean;
}

export class LiveCode {
  /** Internal errors met while reading a module, said once as a warning instead of failing a load. */
  readonly problems: string[] = [];
  /** Next versions read while the user typed (agent/readAhead): a prepare of the same code takes its model. */
  readonly readAhead = new ReadAhead();
  readonly #starting = new Map<string, VersionScope>();
  readonly #staged = new Map<string, VersionScope>();
  /** ES modules whose first version has started evaluating, until their facade adopts them. */
  readonly #esmStarted = new Map<string, { module: LiveModule; version: LiveVersion; code: string }>();

  /**
   * The first version's code made live, or undefined when it cannot be (it is then loaded as it
   * is). From the transform cache when this code was made live before: its tables are then read
   * when first needed.
   */
  instrument(
    file: string,
    code: string,
    kind: ModuleKind = 'cjs',
  ): { code: string; module: LiveModule; version: LiveVersion } | undefined {
    const cached = transformCache()?.get(kind, file, code);
    if (cached) {
      const module = new LiveModule(file);
      const scope = new VersionScope(module, 1, false);
      this.#starting.set(file, scope);
      const version = new FirstVersionReadLater(module, scope, code, kind);
      return { code: cached.code, module, version };
    }
    let model: ProgramModel;
    try {
      model = readProgram(code, sourceLines(file, code), kind);
    } catch (error) {
      // Code acorn cannot read, or a case this reader gets wrong: the module loads as it is
      // (never the app's end), and later loads evaluate it whole, saying so.
      if (!(error instanceof ParseFailure)) this.problems.push(`${file}: ${String(error)}`);
      return undefined;
    }
    const module = new LiveModule(file);
    let instrumented: string;
    try {
      instrumented = instrumentFirstVersion(model, module);
    } catch (error) {
      this.problems.push(`${file}: ${String(error)}`);
      return undefined;
    }
    transformCache()?.put(kind, file, code, { code: instrumented });
    const scope = new VersionScope(module, 1, false);
    this.#starting.set(file, scope);
    return {
      code: instrumented,
      module,
      version: {
        scope,
        digest: digestOf(model),
        report: undefined,
        classes: classesOf(model, module),
        kept: new Map(),
        removed: [],
        replaces: new Map(),
        setupChanges: [],
      },
    };
  }

  /**
   * The entry point instrumented code calls: with its bindings (see module-bindings.ts), the
   * first version of `file` announcing its module scope; without, a later version asking for
   * its staged scope.
   */
  readonly enter = (file: string, names?: string, access?: BindingAccess, declared?: Function[]): VersionScope => {
    if (access) {
      const scope = this.#starting.get(file);
      this.#starting.delete(file);
      if (!scope) throw new Error(`hotpatch: ${file} was not instrumented by this agent`);
      scope.module.announceBindings(names ?? '', access);
      if (declared) scope.module.ownFunctions.push(...declared);
      return scope;
    }
    const scope = this.#staged.get(file);
    if (!scope) throw new Error(`hotpatch: no version of ${file} is being evaluated`);
    return scope;
  };

  /**
   * The entry point of an ES module's first version, instrumented by the module hooks from
   * `code`. Its tables are read from that code when first needed (see FirstVersionReadLater).
   */
  readonly enterEsm = (file: string, names: string, access: BindingAccess, embedded?: string): VersionScope => {
    // Its code as read: carried by the header (hooks in a thread of their own), else handed over.
    const code = embedded ?? takeSource(file);
    const module = new LiveModule(file);
    module.announceBindings(names, access);
    module.esm = new FirstEsmAccess(access);
    const scope = new VersionScope(module, 1, false);
    this.#esmStarted.set(file, { module, version: new FirstVersionReadLater(module, scope, code, 'esm'), code });
    return scope;
  };

  /** The live tables of an ES module whose first version is evaluating, left for takeEsm. */
  startedEsm(file: string): { module: LiveModule; version: LiveVersion; code: string } | undefined {
    return this.#esmStarted.get(file);
  }

  /** The live tables of an ES module whose first version just evaluated, for its facade's adoption. */
  takeEsm(file: string): { module: LiveModule; version: LiveVersion; code: string } | undefined {
    const started = this.#esmStarted.get(file);
    this.#esmStarted.delete(file);
    return started;
  }

  /** The patch that takes `module` from the version digested as `current` to `code`; undefined if `code` cannot be read. */
  patch(
    module: LiveModule,
    current: LiveVersion,
    code: string,
    /** Statements of the running version (by identity) to run again even though unchanged. */
    rerun?: ReadonlySet<object>,
  ):
    | {
        code: string;
        map: Mapped;
        version: LiveVersion;
        imports: Patch['imports'];
      }
    | undefined {
    let model: ProgramModel;
    let patch: ReturnType<typeof buildPatch>;
    const before = current.scope.statementIds;
    const kind = kindOf(module);
    const reading = this.readAhead.take(module.file, code, kind, (ahead) =>
      patchedAheadFits(ahead, module, current, rerun),
    );
    const ahead = reading?.patched;
    const generation = ahead?.generation ?? module.nextGeneration();
    try {
      model = reading?.model ?? readProgram(code, sourceLines(module.file, code), kind);
      if (module.esm) refuseCommonJs(module.file, model);
      patch =
        ahead?.patch ??
        buildPatch(
          current.digest,
          model,
          module,
          generation,
          (index) => module.registrations.has(before[index] ?? {}),
          (index) => rerun?.has(before[index] ?? {}) ?? false,
        );
    } catch (error) {
      // A syntax error: V8 reports it itself when the code is evaluated whole (an ES module's
      // code cannot be: the caller reports the parser's). Anything else is a case this reader
      // gets wrong: the module is evaluated whole, as before live loading.
      if ((error instanceof ParseFailure && module.esm) || error instanceof LoadFailure) throw error;
      if (!(error instanceof ParseFailure)) this.problems.push(`${module.file}: ${String(error)}`);
      return undefined;
    }
    const scope = new VersionScope(module, generation, true);
    patch.report.notApplied.push(...compilePrivateMethods(patch.privateMethods, (slot) => module.classes[slot], scope));
    scope.notApplied = patch.report.notApplied;
    scope.ran = patch.report.ran;
    scope.rebound = patch.report.rebound;
    scope.dropped = patch.report.dropped ??= [];
    scope.added = patch.report.added;
    // Kept statements keep their identity; the others are new.
    const newToOld = new Map([...patch.kept].map(([oldIndex, newIndex]) => [newIndex, oldIndex]));
    scope.statementIds = model.body.map((_, index) => before[newToOld.get(index) ?? -1] ?? {});
    reportNeedsRestart(module, { before, digest: current.digest }, { model, ids: scope.statementIds }, patch);
    const reused = new Set(scope.statementIds);
    return {
      code: patch.code,
      map: patch.map,
      imports: patch.imports,
      version: {
        scope,
        digest: ahead?.digest ?? digestOf(model, current.digest.bindings),
        report: patch.report,
        classes: classesOf(model, module),
        kept: patch.kept,
        removed: before.filter((id) => !reused.has(id)),
        replaces: new Map(
          [...changedStatements(patch.kept, before.length, model.body.length)].map(([next, running]) => [
            next,
            { id: before[running]!, undone: undoneLine(current.digest.statements[running]!) },
          ]),
        ),
        setupChanges: patch.setupChanges,
      },
    };
  }

  /**
   * The patch read ahead (readAheadOf) from `current` to exactly `code`, where the prepare would
   * take it as built; the reading stays for that prepare. Undefined when there is none.
   */
  patchedAhead(module: LiveModule, current: LiveVersion, code: string): Patch | undefined {
    return this.readAhead.patchedFor(module.file, code, kindOf(module), (ahead) =>
      patchedAheadFits(ahead, module, current, undefined),
    );
  }

  /**
   * `code`, the next version of `module`, read now, and the patch to it from `current` built,
   * for the prepare that patches the module to that code (read-ahead.ts). The reading's number,
   * or undefined when the code does not parse.
   */
  readAheadOf(module: LiveModule, current: LiveVersion, code: string): number | undefined {
    return this.readAhead.read(module.file, code, kindOf(module), (model) => patchAhead(module, current, model));
  }

  /** Runs `evaluate` (the patch's code) with its scope reachable by the code. */
  evaluating<T>(file: string, scope: VersionScope, evaluate: () => T): T {
    this.#staged.set(file, scope);
    try {
      return evaluate();
    } finally {
      this.#staged.delete(file);
    }
  }

  /**
   * Takes back what the new statements of a version that will not become current registered
   * (a route a new statement added before a later one threw): nothing of it stays.
   */
  forget(module: LiveModule, version: LiveVersion, current: LiveVersion): void {
    const running = new Set(current.scope.statementIds);
    unregister(
      module,
      version.scope.statementIds.filter((id) => !running.has(id)),
    );
  }

  /** Forgets a first version whose evaluation failed. */
  abandon(file: string): void {
    this.#starting.delete(file);
  }
}

/**
 * A statement an earlier load kept out of the running app (it needs a restart) and this
 * version keeps unchanged is still not running: every load says so until the app restarts or
 * the statement changes or goes, not only the load that added it. One that changes or goes
 * had nothing in the app to undo: no restart is asked for it.
 */
function reportNeedsRestart(
  module: LiveModule,
  running: { before: object[]; digest: Digest },
  next: { model: ProgramModel; ids: object[] },
  patch: Patch,
): void {
  if (module.needsRestart.size === 0) return;
  running.digest.statements.forEach((statement, index) => {
    const id = running.before[index];
    if (id && module.needsRestart.has(id) && !patch.kept.has(index))
      forgetRemovedStatement(patch.report, statement.line);
  });
  next.ids.forEach((id, index) => {
    const why = module.needsRestart.get(id);
    const statement = next.model.statements[index];
    if (why === undefined || !statement) return;
    patch.report.notApplied.push(
      `line ${statement.line}: ${summaryOf(statement.shape)}: not running since an earlier load: ${why}`,
    );
  });
}

/** A load error located in the patch's code, moved to the place in the code the client sent. */
export function inSentCode(error: LoadFailure, patch: { code: string; map: Mapped }, code: string): LoadFailure {
  const { line, column } = error.data;
  if (line === undefined) return error;
  const position = sourcePosition(patch, code, line, column ?? 1);
  return position ? new LoadFailure({ ...error.data, ...position }) : error;
}

/**
 * A line and column (1-based) in a patch's evaluated code, taken back to the code the client
 * sent, so an error names the place the user edited.
 */
export function sourcePosition(
  patch: { code: string; map: Mapped },
  source: string,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  const offset = offsetOf(patch.code, line, column);
  const back = offset === undefined ? undefined : patch.map.sourceOffset(offset);
  if (back === undefined) return undefined;
  const before = source.slice(0, back);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: back - lineStart + 1 };
}

function offsetOf(text: string, line: number, column: number): number | undefined {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', at);
    if (next < 0) return undefined;
    at = next + 1;
  }
  return at + column - 1;
}

/** How a later version of `module` is read: as the kind of module its first version was. */
function kindOf(module: LiveModule): ModuleKind {
  return module.esm ? 'esm' : 'cjs';
}

/** What only a module's syntax can say it is: its imports and exports. */
const MODULE_DECLARATIONS = new Set([
  'ImportDeclaration',
  'ExportNamedDeclaration',
  'ExportDefaultDeclaration',
  'ExportAllDeclaration',
]);

/**
 * Refuses an ES module's next version written as CommonJS: no import or export, and `exports`
 * or `module` read as globals, which an ES module does not have. A compiler that took the file
 * for CommonJS wrote it (tsc's transpile of a `"type": "module"` app did): run in place, every
 * statement of the running version looked removed, and the routes they had added were taken
 * back. Refused, nothing in the app changes.
 */
function refuseCommonJs(file: string, model: ProgramModel): void {
  if (model.body.some((node) => MODULE_DECLARATIONS.has(node.type))) return;
  const global = model.moduleScope.through.find(
    (r) => r.identifier.name === 'exports' || r.identifier.name === 'module',
  );
  if (!global) return;
  const at = model.lineOf(global.identifier.start);
  throw new LoadFailure({
    kind: 'evaluation',
    file,
    line: at,
    message:
      `the new code is CommonJS (it uses \`${global.identifier.name}\`, which an ES module does not have), and the app ` +
      'runs this file as an ES module: compile it as one (the "type" of its package.json, "module" in tsconfig.json), then load it again',
  });
}
