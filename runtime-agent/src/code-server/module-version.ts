/**
 * The code server's records: a HotModule is the lasting identity of a file; a ModuleVersion is
 * one evaluation of its code (Erlang's current and old code). Importers only ever hold the
 * module's stable exports (see stable-exports.ts), which follow the current version.
 */
import { crypto } from '../builtins';
import type { ModuleInfo, Origin, VersionInfo } from '../protocol';
import type { ServerDefinition } from '../processes/define-server';
import type { PendingTrees } from '../processes/supervision/trees';
import { describeWork, type ServerProcess } from '../processes/server-process';
import type { LiveModule, LiveVersion } from './live';
import { createStableExports, isInstance, type CurrentExport } from './stable-exports';
import type { OwnedTimers } from './timer-ownership';
import { strippedModeOf } from './type-stripping';
import type { VersionGuard } from './version-guard';
import { errorMessage } from '../error-message';

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
    /** The servers (gen_server callback sets) its top level defined, by key. */
    readonly servers: ReadonlyMap<string, ServerDefinition>,
  ) {}

  /** For a live module: the version's scope, structure and what its load did (see live/). */
  live: LiveVersion | undefined;
  /** What a load of this version will not do, said when it commits. */
  notes: string[] = [];
  /** Catches what its top level started and fails later, until the version is settled. */
  guard: VersionGuard | undefined;
  #trees: PendingTrees | undefined;

  /** What its top level did to running supervision trees, applied when it is committed (made when first used). */
  get trees(): PendingTrees {
    return (this.#trees ??= { updates: [], started: [], ran: [] });
  }

  set trees(trees: PendingTrees) {
    this.#trees = trees;
  }

  /**
   * Stops what this version's top level started: its timers, then its own `dispose()`. A live
   * version's exports start as its predecessor's, so their `dispose` is not its own to call.
   */
  retire(warnings: string[]): void {
    this.timers.clear();
    if (this.live) return;
    const dispose = readExport(this.exports, 'dispose');
    if (typeof dispose !== 'function') return;
    try {
      (dispose as () => unknown)();
    } catch (error) {
      warnings.push(`dispose() of vsn ${this.info.vsn} threw: ${errorMessage(error)}`);
    }
  }
}

/** A hot module: the lasting identity behind which versions come and go. */
export class HotModule {
  /** The version new calls through the stable exports reach. */
  current!: ModuleVersion;
  /** The previous version, until the next load or a purge. */
  old: ModuleVersion | null = null;
  #face: unknown;
  /** Whether the face is still to be made from `#faceFrom` (see faceFrom). */
  #faceLater = false;
  #faceFrom: unknown;
  #currentExport: ((key: string | null) => CurrentExport) | undefined;
  /** Loads so far, counting the startup version. */
  loads = 0;
  /** Its dispatch tables and bindings, when its first version could be made live. */
  live: LiveModule | undefined;

  constructor(
    readonly file: string,
    readonly format: 'cjs' | 'esm',
    readonly sources: string[],
    /** ESM only: the facade's fixed export names and the function that refreshes its bindings. */
    readonly esm?: { names: string[]; sync: (face: unknown) => void },
  ) {}

  /** The exports object every importer holds. */
  get face(): unknown {
    if (this.#faceLater) {
      this.#face = createStableExports(this.#faceFrom, this.currentExport);
      this.#faceLater = false;
      this.#faceFrom = undefined;
    }
    return this.#face;
  }

  set face(face: unknown) {
    this.#face = face;
    this.#faceLater = false;
    this.#faceFrom = undefined;
  }

  /**
   * The face made from `raw` when something first reads it: an ES module served without a
   * facade hands its own bindings to its importers, and only a later version's new import or
   * load reads its face (made at its start, it was a tenth of what the agent added to the start
   * of an ES module app of 2,000 modules).
   */
  faceFrom(raw: unknown): void {
    this.#faceLater = true;
    this.#faceFrom = raw;
  }

  /** The current version's value of an export (`null`: the whole `module.exports`), as a function. */
  get currentExport(): (key: string | null) => CurrentExport {
    return (this.#currentExport ??= (key) => () =>
      key === null ? this.current.exports : readExport(this.current.exports, key));
  }

  info(): ModuleInfo {
    return {
      file: this.file,
      format: this.format,
      ...typescriptOf(this.file),
      sources: this.sources,
      // Before its face is made, the names are the exports' own (the face has the same).
      exports: exportNames(this.#faceLater ? this.current.exports : this.face),
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
  /** The module, not its info: at startup no client may be there to need one (2,000 modules: 25 ms of it). */
  moduleLoaded: [HotModule];
  modulePurged: [ModuleInfo];
}

export class UnknownModuleError extends Error {
  constructor(file: string, reason: string) {
    super(`${file} is not a hot module of this app: ${reason}`);
    this.name = 'UnknownModuleError';
  }
}

export class NoOldVersionError extends Error {
  constructor(file: string) {
    super(`${file} has no old version`);
    this.name = 'NoOldVersionError';
  }
}

export class SoftPurgeRefusedError extends Error {
  constructor(
    file: string,
    readonly processes: ServerProcess[],
  ) {
    super(
      `soft purge of ${file} refused: ${processes.length} process(es) still run its old code: ` +
        processes
          .map(
            (p) =>
              `${p.id} (handling ${describeWork(p.handlerKind)} for ${Math.round(performance.now() - p.handlerSince)} ms)`,
          )
          .join(', '),
    );
    this.name = 'SoftPurgeRefusedError';
  }
}

export function readExport(raw: unknown, key: string): unknown {
  return raw !== null && (typeof raw === 'object' || typeof raw === 'function')
    ? (raw as Record<string, unknown>)[key]
    : undefined;
}

/**
 * A shallow copy of an exports object, with the same prototype and property descriptors; an
 * object made by a class is not copied, as its importers hold it itself (see isInstance): a
 * copy has none of its private fields, and only what its methods change on it is its state.
 * The copy is the version's own, never the app's: frozen exports (`Object.freeze({ … })`) are
 * copied writable, so a later version's patch can assign the new values it exports again
 * (export-updates.ts); the app's own frozen object is never written.
 */
export function snapshot(raw: unknown, own?: PropertyDescriptorMap): unknown {
  if (raw === null || typeof raw !== 'object' || isInstance(raw)) return raw;
  const descriptors = own ?? Object.getOwnPropertyDescriptors(raw);
  // Most exports (`module.exports = { a, b }`) are a plain object of plain properties, which a
  // spread copies as they are, ≈4× as fast as defining them one by one: an app of 2,000 modules
  // made 2,000 of these copies as it started (issue 13).
  if (Object.getPrototypeOf(raw) === Object.prototype && onlyPlainValues(descriptors)) return { ...raw };
  // New descriptors, not raw's own changed: the caller may read those again (createStableExports).
  // Symbols index both (this lib's PropertyDescriptorMap takes strings alone).
  const read = descriptors as Record<PropertyKey, PropertyDescriptor>;
  const copied: Record<PropertyKey, PropertyDescriptor> = {};
  for (const key of Reflect.ownKeys(read)) {
    const descriptor = read[key]!;
    // A symbol's property (a marker a library reads) is copied as it is.
    if (typeof key === 'symbol') copied[key] = descriptor;
    else if ('value' in descriptor) copied[key] = { ...descriptor, configurable: true, writable: true };
    else copied[key] = { ...descriptor, configurable: true };
  }
  return Object.create(Object.getPrototypeOf(raw) as object | null, copied) as unknown;
}

/**
 * Whether a version's assignments to the exports snapshot(raw) makes of `raw` write that copy
 * alone, and run none of the app's code: a plain object copied (not an instance, a function or
 * an object made from another), whose properties are all values (no setter).
 */
export function copiedAsValues(raw: unknown): boolean {
  if (raw === null || typeof raw !== 'object' || isInstance(raw)) return false;
  const prototype: unknown = Object.getPrototypeOf(raw);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(Object.getOwnPropertyDescriptors(raw)).every((descriptor) => 'value' in descriptor);
}

/** Whether every property is a value that is writable, enumerable and configurable, as an object literal's are. */
function onlyPlainValues(descriptors: PropertyDescriptorMap): boolean {
  // Indexed: run thousands of times at startup, before the JIT, where for…of allocates as it iterates.
  const keys = Reflect.ownKeys(descriptors);
  for (let i = 0; i < keys.length; i++) {
    const { writable, enumerable, configurable } = descriptors[keys[i] as string]!;
    if (!writable || !enumerable || !configurable) return false;
  }
  return true;
}

export function exportNames(raw: unknown): string[] {
  if (raw === null || (typeof raw !== 'object' && typeof raw !== 'function')) return [];
  const skip = typeof raw === 'function' ? new Set(['prototype', 'name', 'length']) : new Set<string>();
  return Object.keys(raw).filter((k) => !skip.has(k) && k !== '__esModule');
}

function isObjectLike(value: unknown): value is object {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

export function versionInfo(raw: unknown, code: string, seq: number, origin: Origin): VersionInfo {
  // Its own property only: a module in a require cycle has, while it loads, a prototype that
  // warns of every property it lacks ("Accessing non-existent property 'vsn' of module exports
  // inside circular dependency", on every start of an app with a cycle).
  const declared = isObjectLike(raw) && Object.hasOwn(raw, 'vsn') ? readExport(raw, 'vsn') : undefined;
  const vsn = typeof declared === 'string' || typeof declared === 'number' ? String(declared) : undefined;
  return new LazyVersionInfo(vsn, code, seq, origin);
}

/**
 * A version's info, its hash made when first read, as a client lists the modules: an app loads
 * every hot module before any client is there, and each hash made then was time its start spent
 * on nothing (issue 13). The time is a number until read, likewise: formatting a date for each
 * module took 1 µs. A class, not an object literal with getters, which V8 makes through its
 * runtime (≈3.5 µs each). Sent as JSON (toJSON).
 */
class LazyVersionInfo implements VersionInfo {
  readonly #declaredVsn: string | undefined;
  readonly #code: string;
  #hash: string | undefined;
  #loadedAt: string | number = Date.now();

  constructor(
    declaredVsn: string | undefined,
    code: string,
    readonly seq: number,
    readonly origin: Origin,
  ) {
    this.#declaredVsn = declaredVsn;
    this.#code = code;
  }

  get vsn(): string {
    return this.#declaredVsn ?? this.hash;
  }

  get hash(): string {
    return (this.#hash ??= crypto().hash('sha256', this.#code, 'hex').slice(0, 12));
  }

  get loadedAt(): string {
    const at = this.#loadedAt;
    return typeof at === 'string' ? at : (this.#loadedAt = new Date(at).toISOString());
  }

  set loadedAt(time: string) {
    this.#loadedAt = time;
  }

  toJSON(): VersionInfo {
    return { vsn: this.vsn, seq: this.seq, loadedAt: this.loadedAt, origin: this.origin, hash: this.hash };
  }
}

/** How Node runs a module's TypeScript itself, for its ModuleInfo (`typescript`), when it does. */
function typescriptOf(file: string): Pick<ModuleInfo, 'typescript'> {
  const mode = strippedModeOf(file);
  return mode ? { typescript: mode } : {};
}
