/**
 * The code server (Erlang's `code_server`): every hot module of the app with its current and
 * old version, loading, purging and reading sources.
 *
 * A HotModule is the lasting identity of a file; a ModuleVersion is one evaluation of its
 * code. Importers only ever hold the module's stable exports (see stable-exports.ts), which
 * follow the current version.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadResult, ModuleInfo, Origin, VersionInfo } from '../protocol';
import { NodeModule, evaluateVersion, originalCompile, type Evaluated, type InternalModule } from './evaluate';
import { hotFileMatcher, type HotFileRules } from './hot-files';
import { findOriginalSource } from './original-source';
import { createStableExports, updateStableExports, type CurrentExport } from './stable-exports';
import { OwnedTimers, beginCapture, captureTimers, endCapture } from './timer-ownership';

/** One evaluation of a module's code. */
export class ModuleVersion {
  constructor(
    readonly info: VersionInfo,
    /** The raw `module.exports` (or ES namespace) this evaluation produced. */
    readonly exports: unknown,
    readonly timers: OwnedTimers,
    /** Original source text, for diffs and type analysis. */
    readonly source: string,
    /** The code that was evaluated. */
    readonly code: string,
  ) {}

  /** Stops what this version's top level started: its timers, then its own `dispose()`. */
  retire(warnings: string[]): void {
    this.timers.clear();
    const dispose = readExport(this.exports, 'dispose');
    if (typeof dispose !== 'function') return;
    try {
      (dispose as () => unknown)();
    } catch (error) {
      warnings.push(
        `dispose() of vsn ${this.info.vsn} threw: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** A hot module: the lasting identity behind which versions come and go. */
export class HotModule {
  /** The version new calls through the stable exports reach. */
  current!: ModuleVersion;
  /** The previous version, until the next load or a purge. */
  old: ModuleVersion | null = null;
  /** The exports object every importer holds. */
  face: unknown;
  /** Loads so far, counting the startup version. */
  loads = 0;

  constructor(
    readonly file: string,
    readonly format: 'cjs' | 'esm',
    readonly sources: string[],
    /** ESM only: the facade's fixed export names and the function that refreshes its bindings. */
    readonly esm?: { names: string[]; sync: (face: unknown) => void },
  ) {}

  /** The current version's value of an export (`null`: the whole `module.exports`). */
  readonly currentExport = (key: string | null): CurrentExport => {
    return () => (key === null ? this.current.exports : readExport(this.current.exports, key));
  };

  info(): ModuleInfo {
    return {
      file: this.file,
      format: this.format,
      sources: this.sources,
      exports: this.esm ? this.esm.names : exportNames(this.face),
      current: this.current.info,
      old: this.old?.info ?? null,
    };
  }
}

/** A new version evaluated in isolation and not yet current. */
export interface PreparedVersion {
  module: HotModule;
  version: ModuleVersion;
  evaluateMs: number;
}

export interface CodeServerEvents {
  moduleLoaded: [ModuleInfo];
  modulePurged: [ModuleInfo];
}

export class UnknownModuleError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a hot module of this app: ${reason}`);
    this.name = 'UnknownModuleError';
  }
}

export class CodeServer extends EventEmitter<CodeServerEvents> {
  readonly #modules = new Map<string, HotModule>();
  readonly #pendingEsmTimers = new Map<string, OwnedTimers>();
  readonly isHot: (file: string) => boolean;

  constructor(readonly rules: HotFileRules) {
    super();
    this.isHot = hotFileMatcher(rules);
  }

  list(): ModuleInfo[] {
    return [...this.#modules.values()].map((m) => m.info());
  }

  get(file: string): HotModule {
    const module = this.#modules.get(file);
    if (module) return module;
    if (!this.isHot(file)) {
      const reason = file.split(/[\\/]/).includes('node_modules')
        ? 'files in node_modules are never hot'
        : `it is outside the app root ${this.rules.root} or excluded`;
      throw new UnknownModuleError(file, reason);
    }
    throw new UnknownModuleError(file, `the app has not loaded it (${this.#modules.size} hot modules are loaded)`);
  }

  // --- startup: adopting the first version of each module as the app loads it --------------

  /**
   * Wraps Node's CommonJS compile so each hot file's first version is recorded and its
   * `module.exports` replaced by the stable face before any importer receives it.
   */
  installCommonJsHook(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the hook needs both `this`es
    const server = this;
    const ModulePrototype = NodeModule.prototype;
    ModulePrototype._compile = function (
      this: InternalModule,
      content: string,
      filename: string,
      ...rest: unknown[]
    ): unknown {
      if (!server.isHot(filename)) return originalCompile.call(this, content, filename, ...rest);
      const { result, timers } = captureTimers(() => originalCompile.call(this, content, filename, ...rest));
      this.exports = server.#adoptCommonJs(filename, content, this.exports, timers);
      return result;
    };
  }

  #adoptCommonJs(file: string, code: string, raw: unknown, timers: OwnedTimers): unknown {
    const original = findOriginalSource(file, code);
    const module = new HotModule(file, 'cjs', original.sources);
    // The face may be `raw` itself, rewritten to hold trampolines: the version keeps a copy
    // of what its code exported, or its trampolines would call themselves.
    this.#startup(module, snapshot(raw), timers, original.text, code);
    module.face = createStableExports(raw, module.currentExport);
    this.emit('moduleLoaded', module.info());
    return module.face;
  }

  /** Called by an ES module's facade just before the original module evaluates. */
  beginEsm(url: string): void {
    const timers = new OwnedTimers();
    this.#pendingEsmTimers.set(url, timers);
    beginCapture(timers);
  }

  /** Called by an ES module's facade right after the original module evaluated. */
  endEsm(url: string): void {
    const timers = this.#pendingEsmTimers.get(url);
    if (timers) endCapture(timers);
  }

  /**
   * Called by an ES module's facade with the original's namespace; returns the stable face
   * the facade initialises its `export let` bindings from.
   */
  adoptEsm(url: string, namespace: object, names: string[], sync: (face: unknown) => void): unknown {
    const file = fileURLToPath(url);
    const timers = this.#pendingEsmTimers.get(url) ?? new OwnedTimers();
    this.#pendingEsmTimers.delete(url);
    const disk = readFileSync(file, 'utf8');
    const original = findOriginalSource(file, disk);
    const module = new HotModule(file, 'esm', original.sources, { names, sync });
    this.#startup(module, namespace, timers, original.text, disk);
    module.face = createStableExports(namespace, module.currentExport);
    this.emit('moduleLoaded', module.info());
    return module.face;
  }

  #startup(module: HotModule, raw: unknown, timers: OwnedTimers, source: string, code: string): void {
    module.loads = 1;
    module.current = new ModuleVersion(versionInfo(raw, code, 1, 'startup'), raw, timers, source, code);
    const previous = this.#modules.get(module.file);
    if (previous) previous.current.retire([]); // the app re-required a file it had evicted from require.cache
    this.#modules.set(module.file, module);
  }

  // --- loading ------------------------------------------------------------------------------

  /** Evaluates a new version beside the current one; nothing changes for the app yet. */
  prepare(file: string, code: string, source: string | undefined, origin: Origin): PreparedVersion {
    const module = this.get(file);
    const started = performance.now();
    const evaluated: Evaluated = evaluateVersion(file, code);
    const evaluateMs = performance.now() - started;
    const info = versionInfo(evaluated.exports, code, module.loads + 1, origin);
    const version = new ModuleVersion(info, evaluated.exports, evaluated.timers, source ?? code, code);
    return { module, version, evaluateMs };
  }

  /** Drops a prepared version that will not be committed. */
  discard(prepared: PreparedVersion): void {
    prepared.version.retire([]);
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
    module.current.retire(warnings);
    module.old = module.current;
    module.current = version;
    warnings.push(...updateStableExports(module.face, version.exports, module.currentExport));
    if (module.esm) {
      const added = exportNames(version.exports).filter((n) => !module.esm!.names.includes(n) && n !== '__esModule');
      for (const name of added) {
        warnings.push(
          `export '${name}' is new: an ES module's bindings are fixed when it is first imported; restart to import it`,
        );
      }
      module.esm.sync(module.face);
    }
    const info = module.info();
    this.emit('moduleLoaded', info);
    return { module: info, warnings, evaluateMs: prepared.evaluateMs };
  }

  /** Drops the old version (Erlang's purge). False when there was none. */
  purge(file: string): { purged: boolean; module: ModuleInfo } {
    const module = this.get(file);
    const purged = module.old !== null;
    module.old = null;
    const info = module.info();
    if (purged) this.emit('modulePurged', info);
    return { purged, module: info };
  }

  version(file: string, which: 'current' | 'old'): ModuleVersion | null {
    const module = this.get(file);
    return which === 'current' ? module.current : module.old;
  }
}

function readExport(raw: unknown, key: string): unknown {
  return raw !== null && (typeof raw === 'object' || typeof raw === 'function')
    ? (raw as Record<string, unknown>)[key]
    : undefined;
}

/** A shallow copy of an exports object, with the same prototype and property descriptors. */
function snapshot(raw: unknown): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  return Object.create(Object.getPrototypeOf(raw) as object | null, Object.getOwnPropertyDescriptors(raw)) as unknown;
}

function exportNames(raw: unknown): string[] {
  if (raw === null || (typeof raw !== 'object' && typeof raw !== 'function')) return [];
  const skip = typeof raw === 'function' ? new Set(['prototype', 'name', 'length']) : new Set<string>();
  return Object.keys(raw).filter((k) => !skip.has(k) && k !== '__esModule');
}

function versionInfo(raw: unknown, code: string, seq: number, origin: Origin): VersionInfo {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const declared = readExport(raw, 'vsn');
  const vsn = typeof declared === 'string' || typeof declared === 'number' ? String(declared) : hash;
  return { vsn, seq, loadedAt: new Date().toISOString(), origin, hash };
}
