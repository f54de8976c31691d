/**
 * The code server (Erlang's `code_server`): every hot module of the app with its current and
 * old version (see module-version.ts), loading, purging and reading sources.
 */
import { EventEmitter } from 'node:events';
import type { LoadResult, ModuleInfo, Origin } from '../protocol';
import type { ServerDefinition } from '../processes/define-server';
import type { ProcessTable } from '../processes/process-table';
import type { ServerProcess, SpecSource } from '../processes/server-process';
import { evaluateVersion, LoadFailure, type Evaluated } from './evaluate';
import { HOT_JSON, hotFileMatcher, type HotFileRules } from './hot-files';
import { LiveCode, inSentCode, type LiveVersion } from './live';
import { evaluateEsmVersion } from './esm-versions';
import {
  HotModule,
  ModuleVersion,
  NoOldVersionError,
  SoftPurgeRefusedError,
  UnknownModuleError,
  copiedAsValues,
  exportNames,
  snapshot,
  versionInfo,
  type CodeServerEvents,
  type PreparedVersion,
} from './module-version';
import { installLiveVersion } from './live/install';
import { discardTrees } from '../processes/supervision/trees';
import { rebuildsAfter, type RebuiltRoutes } from './route-rebuild';
import { PendingRebuilds } from './pending-rebuilds';
import { commitVersionTrees, notAppliedOf, reportOf, wholeModuleNote } from './version-reports';
import { VersionGuard } from './version-guard';
import { guardClusterForks } from './live/cluster-forks';
import { RunsAppCodeError } from './live/runs-nothing';
import { updateStableExports } from './stable-exports';
import { exportedValues, readCopiesOfImporters, replacedExports, staleCopies } from './export-copies';
import { readImportsOfImporters, replacedValues, staleImportReads } from './import-reads';
import { OwnedTimers } from './timer-ownership';
import { StartupAdoption } from './startup-adoption';
import { versionCommitted } from './first-commit';
import { collectYoungGeneration } from './young-generation';

export interface PrepareVersionOptions {
  /** Statements of the running version to run again although unchanged (see route-rebuild.ts). */
  rerun?: ReadonlySet<object>;
  /** Fail rather than evaluate the whole module when the code cannot take a version in place. */
  inPlaceOnly?: boolean;
  /**
   * The modules of the same release prepared before this one, by file: an import this version
   * adds may name what one of them exports anew (they are committed together, or not at all).
   */
  releasedWith?: ReadonlyMap<string, PreparedVersion>;
  /** Prepared ahead of its save: refused unless evaluating it runs none of the app's code (runs-nothing.ts). */
  ahead?: boolean;
}

export class CodeServer extends EventEmitter<CodeServerEvents> {
  readonly #modules = new Map<string, HotModule>();
  readonly #live = new LiveCode();
  /** Routes to build again once the current commits are done. */
  readonly #rebuilds = new PendingRebuilds();
  /** The guard of the version being evaluated, by file: its listens are reported there. */
  readonly #guards = new Map<string, VersionGuard>();
  readonly #adoption = new StartupAdoption({
    isHot: (file) => this.isHot(file),
    isHotJson: (file) => this.isHotJson(file),
    live: this.#live,
    guardOf: (file) => this.#guards.get(file),
    started: (...version) => this.#startup(...version),
    loaded: (module) => this.emit('moduleLoaded', module),
  });
  readonly isHot: (file: string) => boolean;
  /** Whether a JSON file CommonJS requires is hot (json-modules.ts). */
  readonly isHotJson: (file: string) => boolean;
  /** What instrumented code calls to reach its module's live scope. */
  readonly liveEntry = this.#live.enter;
  /** The header of an ES module's first version: its top level starts (see beginEsm). */
  readonly liveEsmEntry: LiveCode['enterEsm'] = (file, names, access, code) => {
    this.beginEsm(file);
    return this.#live.enterEsm(file, names, access, code);
  };

  constructor(
    readonly rules: HotFileRules,
    /** The app's server processes: bound to module versions, killed by purges. */
    readonly processes: ProcessTable,
  ) {
    super();
    this.isHot = hotFileMatcher(rules);
    this.isHotJson = hotFileMatcher(rules, HOT_JSON);
  }

  /** Where processes find their server's callbacks: the current version of its module. */
  readonly specSource: SpecSource = {
    current: (definition) => {
      const module = definition.file === undefined ? undefined : this.#modules.get(definition.file);
      if (!module) return { spec: definition.spec, version: undefined };
      const current = module.current.servers.get(definition.key);
      return current ? { spec: current.spec, version: module.current } : undefined;
    },
  };

  list(): ModuleInfo[] {
    return [...this.#modules.values()].map((m) => m.info());
  }

  /** The module loaded from `file`, if any. */
  find(file: string): HotModule | undefined {
    return this.#modules.get(file);
  }

  get(file: string): HotModule {
    const module = this.#modules.get(file);
    if (module) return module;
    if (!this.isHot(file) && !this.isHotJson(file)) {
      const reason = file.split(/[\\/]/).includes('node_modules')
        ? 'files in node_modules are never hot'
        : `it is outside the app root ${this.rules.root} or excluded`;
      throw new UnknownModuleError(file, reason);
    }
    throw new UnknownModuleError(file, `the app has not loaded it (${this.#modules.size} hot modules are loaded)`);
  }

  // --- startup: adopting the first version of each module as the app loads it (startup-adoption.ts)

  installCommonJsHook(): void {
    this.#adoption.installCommonJsHook();
  }

  beginEsm(file: string): void {
    this.#adoption.beginEsm(file);
  }

  endEsm(file: string): void {
    this.#adoption.endEsm(file);
  }

  adoptEsm(file: string, namespace: object, names?: string[], sync?: (face: unknown) => void): unknown {
    return this.#adoption.adoptEsm(file, namespace, names, sync);
  }

  adoptEsmBound(file: string, locals: Array<[name: string, local: string]>): unknown {
    return this.#adoption.adoptEsmBound(file, locals);
  }

  #startup(
    module: HotModule,
    raw: unknown,
    timers: OwnedTimers,
    servers: ReadonlyMap<string, ServerDefinition>,
    source: string,
    code: string,
  ): void {
    module.loads = 1;
    module.current = new ModuleVersion(versionInfo(raw, code, 1, 'startup'), raw, timers, source, code, servers);
    const previous = this.#modules.get(module.file);
    if (previous) previous.current.retire([]); // the app re-required a file it had evicted from require.cache
    this.#modules.set(module.file, module);
  }

  // --- loading ------------------------------------------------------------------------------

  /** Evaluates a new version beside the current one; nothing changes for the app yet. */
  async prepare(
    file: string,
    code: string,
    source: string | undefined,
    origin: Origin,
    options: PrepareVersionOptions = {},
  ): Promise<PreparedVersion> {
    const { rerun } = options;
    const module = this.get(file);
    const started = performance.now();
    guardClusterForks();
    if (options.ahead) this.#refuseUnlessRunsNothing(module, code);
    const guard = new VersionGuard();
    this.#guards.set(file, guard);
    try {
      const evaluated =
        module.format === 'esm'
          ? await evaluateEsmVersion(this.#live, module, code, (f) => this.#modules.get(f), {
              rerun,
              releasedWith: options.releasedWith,
            })
          : this.#evaluate(module, code, options);
      const evaluateMs = performance.now() - started;
      const info = versionInfo(evaluated.exports, code, module.loads + 1, origin);
      const version = new ModuleVersion(
        info,
        evaluated.exports,
        evaluated.timers,
        source ?? code,
        code,
        evaluated.servers,
      );
      version.live = evaluated.live;
      version.guard = guard;
      version.trees = evaluated.trees;
      if (!evaluated.live) version.notes.push(wholeModuleNote(this.#live.problems.splice(0)));
      return { module, version, evaluateMs };
    } catch (error) {
      guard.dispose();
      throw error;
    } finally {
      this.#guards.delete(file);
    }
  }

  /**
   * A prepare made ahead of its save (agent/prepare's `ahead`) goes on only for a version whose
   * patch, read ahead, runs none of the app's code (runs-nothing.ts). Asked before the prepare
   * takes the reading: a version refused leaves it to its save.
   */
  #refuseUnlessRunsNothing(module: HotModule, code: string): void {
    const current = module.current;
    const patch =
      module.format === 'cjs' && module.live && current.live
        ? this.#live.patchedAhead(module.live, current.live, code)
        : undefined;
    // Exports written are the version's own only where they are copied (snapshot).
    const runsNothing = patch?.runsNothing && (!patch.writesExports || copiedAsValues(current.exports));
    if (!runsNothing) throw new RunsAppCodeError(module.file);
  }

  /** A CommonJS module's next version: a patch of the running one when it is live, else the whole module. */
  #evaluate(module: HotModule, code: string, options: PrepareVersionOptions): Evaluated & { live?: LiveVersion } {
    const file = module.file;
    const current = module.current;
    const patch =
      module.live && current.live ? this.#live.patch(module.live, current.live, code, options.rerun) : undefined;
    if (!patch && options.inPlaceOnly) {
      const why = this.#live.problems.splice(0).join('; ') || 'its running version is not live';
      throw new LoadFailure({ kind: 'evaluation', file, message: `cannot take a version in place (${why})` });
    }
    if (!patch) return evaluateVersion(file, code);
    // Only what changed runs, in a module whose exports start as the running ones.
    let evaluated: Evaluated;
    try {
      evaluated = this.#live.evaluating(file, patch.version.scope, () =>
        evaluateVersion(file, patch.code, snapshot(current.exports)),
      );
    } catch (error) {
      this.#live.forget(module.live!, patch.version, current.live!);
      throw error instanceof LoadFailure ? inSentCode(error, patch, code) : error;
    }
    evaluated.servers = new Map([...current.servers, ...evaluated.servers]);
    return { ...evaluated, live: patch.version };
  }

  /**
   * Waits until what the prepared version's top level started has bound or failed; a failure
   * (a port in use, an unhandled rejection) discards the version and throws LoadFailure.
   */
  async settle(prepared: PreparedVersion, timeoutMs = 2000): Promise<void> {
    const { version, module } = prepared;
    const guard = version.guard;
    if (!guard) return;
    version.guard = undefined;
    const failure = await guard.settle(timeoutMs);
    version.live?.report?.ran.push(...guard.notes);
    if (failure === undefined) return;
    this.discard(prepared);
    throw new LoadFailure({ kind: 'evaluation', file: module.file, message: failure });
  }

  /** Evaluates the old version's code again as the next version, for a rollback. */
  prepareRollback(file: string): Promise<PreparedVersion> {
    const module = this.get(file);
    if (!module.old) throw new NoOldVersionError(file);
    return this.prepare(file, module.old.code, module.old.source, 'rollback');
  }

  /** Drops a prepared version that will not be committed. */
  discard(prepared: PreparedVersion): void {
    const { module, version } = prepared;
    version.retire([]);
    discardTrees(version.trees);
    if (version.live && module.live && module.current.live)
      this.#live.forget(module.live, version.live, module.current.live);
  }

  /**
   * `code`, the next version of `file` as the user types it, read now for its save's prepare
   * (agent/readAhead, live/read-ahead.ts). The reading's number; undefined when nothing was
   * read: a module whose versions are not live (its prepare evaluates the whole module), or
   * code that does not parse.
   */
  readAhead(file: string, code: string): number | undefined {
    const module = this.get(file);
    if (!module.live || !module.current.live) return undefined;
    const reading = this.#live.readAheadOf(module.live, module.current.live, code);
    // Its tree is copied out of the young generation now, while the user has paused, and not by
    // a scavenge during the save (young-generation.ts).
    collectYoungGeneration();
    return reading;
  }

  /** The code of reading `id` of `file` (from readAhead) while it is kept for its prepare. */
  readAheadCode(file: string, id: number): string | undefined {
    return this.#live.readAhead.codeOf(file, id);
  }

  /** How many prepares have taken a reading made ahead (agent/readAhead), ever. */
  get readAheadTaken(): number {
    return this.#live.readAhead.taken;
  }

  /** How many of those prepares took the patch built with the reading, ever. */
  get patchedAheadTaken(): number {
    return this.#live.readAhead.patchesTaken;
  }

  /** What a first commit of `module` reads beside the version itself, read now (agent/warm). */
  warmCommit(module: HotModule): void {
    readCopiesOfImporters(module, this.#modules.values());
    readImportsOfImporters(module, this.#modules.values());
  }

  /**
   * Makes a prepared version current: the current one becomes old (its timers stop), the
   * previous old one is purged, the stable exports follow the new version.
   */
  commit(prepared: PreparedVersion): Omit<LoadResult, 'timings'> & { evaluateMs: number } {
    const { module, version } = prepared;
    const warnings: string[] = [];
    module.loads += 1;
    version.info.loadedAt = new Date().toISOString();
    // Loading a third version purges the old one: whatever still runs it dies (Erlang's rule).
    if (module.old) for (const process of this.runningOld(module)) process.kill('killed');
    // Timers of the statements the new version kept go on, owned by it; the others stop.
    if (version.live) module.current.timers.handOver(version.live.kept, version.timers);
    module.current.retire(warnings);
    // Read before the new version's bindings are installed: the running namespace reads them.
    const replacedBindings =
      module.format === 'esm' ? replacedValues(module.current.exports, version.exports) : undefined;
    // Likewise a CommonJS module's exports that are getters (esbuild's, tsx's): after the install,
    // the old version's copy of them reads the new bindings too.
    const exportedBefore = module.format === 'cjs' ? exportedValues(module.current.exports) : undefined;
    if (version.live && module.live) warnings.push(...installLiveVersion(module.live, version.live));
    const exported = new Set(exportNames(module.face));
    module.old = module.current;
    module.current = version;
    commitVersionTrees(module.old, version, warnings);
    // What the stable exports cannot take (another object under importers that hold the old
    // one, a class with private members) waits for a restart, which the report then offers.
    notAppliedOf(version).push(
      ...updateStableExports(module.face, version.exports, module.currentExport, module.old.exports),
    );
    if (exportedBefore) {
      const replaced = replacedExports(exportedBefore, version.exports);
      const reads = staleCopies(module, replaced, this.#modules.values(), this.rules.root);
      this.#rebuilds.staleReads(module, reads, warnings, notAppliedOf(module.current));
    }
    if (replacedBindings) {
      const next = (name: string): unknown => Reflect.get(version.exports as object, name);
      const reads = staleImportReads(module, replacedBindings, next, this.#modules.values(), this.rules.root);
      this.#rebuilds.staleReads(module, reads, warnings, notAppliedOf(module.current));
    }
    const added = exportNames(module.face).filter((n) => !exported.has(n));
    // Routes built at startup from this module's exports, or by a router factory of it that
    // registers something new, are built again after the commit (see route-rebuild.ts).
    this.#rebuilds.add(rebuildsAfter(module, { exported, added }, this.#modules));
    warnings.push(...version.notes, ...(version.live?.report?.notApplied ?? []));
    // An ES module's facade has the names it had at startup: a new export reaches the modules
    // whose later versions import it (they read the stable face), as the report says.
    module.esm?.sync(module.face);
    this.emit('moduleLoaded', module);
    versionCommitted();
    return { module: module.info(), report: reportOf(module.file, version), warnings, evaluateMs: prepared.evaluateMs };
  }

  /**
   * After commits: builds again the routes that commits found built at startup, and runs again
   * the constants that took a replaced export (see pending-rebuilds.ts).
   */
  rebuildRoutes(origin: Origin): Promise<RebuiltRoutes[]> {
    return this.#rebuilds.run(this, origin);
  }

  /** Processes with a handler still running in the module's old version. */
  runningOld(module: HotModule): ServerProcess[] {
    if (!module.old) return [];
    const old = module.old;
    return this.processes.list(module.file).filter((p) => p.handlerVersion === old);
  }

  /**
   * Drops the old version (Erlang's purge), killing the processes still running it; their
   * supervisors restart them on the current code. With `soft`, refuses instead while any
   * process still runs it (Erlang's soft_purge).
   */
  purge(
    file: string,
    options: { soft?: boolean } = {},
  ): { purged: boolean; module: ModuleInfo; killed: ServerProcess[] } {
    const module = this.get(file);
    const blockers = this.runningOld(module);
    if (options.soft && blockers.length > 0) throw new SoftPurgeRefusedError(file, blockers);
    for (const process of blockers) process.kill('killed');
    const purged = module.old !== null;
    module.old = null;
    const info = module.info();
    if (purged) this.emit('modulePurged', info);
    return { purged, module: info, killed: blockers };
  }

  version(file: string, which: 'current' | 'old'): ModuleVersion | null {
    const module = this.get(file);
    return which === 'current' ? module.current : module.old;
  }
}

export { HotModule, ModuleVersion, NoOldVersionError, SoftPurgeRefusedError, UnknownModuleError, type PreparedVersion };

/** The value of a module binding, read through its first version's accessors; undefined where it cannot be read. */
