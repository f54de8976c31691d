/**
 * Startup: the first version of each hot module adopted as the app loads it, its stable face
 * made before any importer receives it. CommonJS through Node's compile; an ES module through
 * its instrumented header (beginEsm) and its facade or footer (adoptEsm, adoptEsmBound).
 */
import { readFileSync } from 'node:fs';
import {
  DefinitionCollector,
  beginDefinitions,
  endDefinitions,
  type ServerDefinition,
} from '../processes/define-server';
import { NodeModule, captureTopLevel, originalCompile, type InternalModule } from './evaluate';
import { boundNamespace } from './bound-namespace';
import type { LiveCode, LiveModule, LiveVersion } from './live';
import { HotModule, snapshot } from './module-version';
import { adaptFramework } from './live/registrations';
import { watchListens } from './live/servers';
import { enterTopLevel, leaveTopLevel } from './live/top-level';
import type { VersionGuard } from './version-guard';
import { findOriginalSource } from './original-source';
import { jsonModuleCode, readJsonModule } from '../protocol/json-modules';
import { createStableExports, markLiveFunctions, ownDescriptors } from './stable-exports';
import { OwnedTimers, beginCapture, endCapture } from './timer-ownership';
import { javascriptFormatOf, stripModuleTypes } from './type-stripping';

type JsonLoader = (this: unknown, module: InternalModule, filename: string) => void;

/** The largest JSON file (in characters) made a hot module: larger ones are data, loaded as Node loads them. */
const MAX_HOT_JSON = 256 * 1024;

/** What adoption needs of the code server. */
export interface AdoptionHost {
  isHot(file: string): boolean;
  isHotJson(file: string): boolean;
  readonly live: LiveCode;
  /** The guard of the version of `file` being evaluated, if one is: its listens are reported there. */
  guardOf(file: string): VersionGuard | undefined;
  /** Records `module` with its first version, made of what its top level produced. */
  started(
    module: HotModule,
    raw: unknown,
    timers: OwnedTimers,
    servers: ReadonlyMap<string, ServerDefinition>,
    source: string,
    code: string,
  ): void;
  /** Says that `module` loaded (the code server's `moduleLoaded`). */
  loaded(module: HotModule): void;
}

export class StartupAdoption {
  /** What the top level of each ES module that started evaluating made so far, by file. */
  readonly #pendingEsm = new Map<
    string,
    { timers: OwnedTimers; servers: DefinitionCollector; frame: ReturnType<typeof enterTopLevel> }
  >();

  constructor(private readonly host: AdoptionHost) {}

  /**
   * Wraps Node's CommonJS compile so each hot file's first version is recorded and its
   * `module.exports` replaced by the stable face before any importer receives it.
   */
  installCommonJsHook(): void {
    watchListens(
      (file, pending, note) => {
        const guard = this.host.guardOf(file);
        if (!guard) return; // the app's startup: its own handling stands
        guard.listens.push(pending);
        if (note) guard.notes.push(note);
      },
      (file) => this.host.isHot(file),
    );
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the hook needs both `this`es
    const adoption = this;
    const { host } = this;
    const ModulePrototype = NodeModule.prototype;
    ModulePrototype._compile = function (
      this: InternalModule,
      content: string,
      filename: string,
      ...rest: unknown[]
    ): unknown {
      if (!host.isHot(filename) && !adoption.#jsonTexts.has(filename)) {
        const result = originalCompile.call(this, content, filename, ...rest);
        adaptFramework(filename, this.exports);
        return result;
      }
      // TypeScript Node runs itself (`node src/app.ts`): its JavaScript, as Node would strip it.
      const javascript =
        javascriptFormatOf(rest[0]) === 'commonjs' ? strippedOrUndefined(filename, content) : undefined;
      if (javascript !== undefined) {
        content = javascript;
        rest[0] = 'commonjs';
      }
      const live = host.live.instrument(filename, content);
      let top: ReturnType<typeof captureTopLevel<unknown>> | undefined;
      try {
        top = captureTopLevel(filename, () => originalCompile.call(this, live?.code ?? content, filename, ...rest));
      } finally {
        // Not caught and thrown again: see captureTimers.
        if (!top) host.live.abandon(filename);
      }
      this.exports = adoption.#adoptCommonJs(filename, content, this.exports, top.timers, top.servers, live);
      return top.result;
    };
    this.#installJsonHook();
  }

  /** The text of each JSON file being loaded as a hot module: its source, as the file reads. */
  readonly #jsonTexts = new Map<string, string>();

  /**
   * A JSON file the app requires, under its root, loads as the CommonJS module whose code is the
   * JSON as `module.exports` (protocol/json-modules.ts): a save of it then loads as a save of a
   * module does. JSON that a literal would not read the same, and a file too large to be worth
   * it, load as Node loads them, as does one that is not JSON (Node's own error is thrown).
   */
  #installJsonHook(): void {
    const extensions = (NodeModule as unknown as { _extensions: Record<string, JsonLoader> })._extensions;
    const nodeJson = extensions['.json'];
    if (typeof nodeJson !== 'function') return;
    const { host } = this;
    const texts = this.#jsonTexts;
    extensions['.json'] = function (module, filename) {
      if (!host.isHotJson(filename)) return nodeJson.call(this, module, filename);
      let text: string;
      try {
        text = readFileSync(filename, 'utf8');
      } catch {
        return nodeJson.call(this, module, filename);
      }
      if (text.length > MAX_HOT_JSON || !readJsonModule(text).ok) return nodeJson.call(this, module, filename);
      texts.set(filename, text);
      try {
        module._compile(jsonModuleCode(text), filename);
      } catch {
        // Nothing the JSON holds runs, so a failure is the agent's own: the file loads as without it.
        return nodeJson.call(this, module, filename);
      } finally {
        texts.delete(filename);
      }
    };
  }

  #adoptCommonJs(
    file: string,
    code: string,
    raw: unknown,
    timers: OwnedTimers,
    servers: Map<string, ServerDefinition>,
    live: { module: LiveModule; version: LiveVersion } | undefined,
  ): unknown {
    const json = this.#jsonTexts.get(file);
    const original = json === undefined ? findOriginalSource(file, code) : { sources: [], text: json };
    const module = new HotModule(file, 'cjs', original.sources);
    module.live = live?.module;
    // The face may be `raw` itself, rewritten to hold trampolines: the version keeps a copy
    // of what its code exported, or its trampolines would call themselves.
    const descriptors = ownDescriptors(raw);
    this.host.started(module, snapshot(raw, descriptors), timers, servers, original.text, code);
    module.current.live = live?.version;
    // Handed over by its code as it ran (see declaredFunctionsArgument in instrument.ts).
    if (live) markLiveFunctions(live.module.ownFunctions);
    module.face = createStableExports(raw, module.currentExport, descriptors);
    this.host.loaded(module);
    return module.face;
  }

  /** Called as an ES module's first version starts evaluating (by its instrumented header). */
  beginEsm(file: string): void {
    // The frame lets a server the module starts be known as its own (a later version's listen hands it over).
    const pending = { timers: new OwnedTimers(), servers: new DefinitionCollector(file), frame: enterTopLevel(file) };
    this.#pendingEsm.set(file, pending);
    beginCapture(pending.timers);
    beginDefinitions(pending.servers);
  }

  /** Called once an ES module's first version evaluated (by its facade, through adoptEsm). */
  endEsm(file: string): void {
    const pending = this.#pendingEsm.get(file);
    if (!pending) return;
    leaveTopLevel(pending.frame);
    endCapture(pending.timers);
    endDefinitions(pending.servers);
  }

  /**
   * Called by an ES module's facade with the original's namespace, or by a module served without
   * one with its own (see esm-facade.ts); returns the stable face the facade initialises its
   * `export let` bindings from, and which later versions of other modules read.
   */
  adoptEsm(file: string, namespace: object, names?: string[], sync?: (face: unknown) => void): unknown {
    this.endEsm(file);
    const pending = this.#pendingEsm.get(file);
    this.#pendingEsm.delete(file);
    const live = this.host.live.takeEsm(file);
    // The code that ran: as read by the hooks thread (for a loader's output, not the disk's text).
    const code = live?.code ?? readFileSync(file, 'utf8');
    const original = findOriginalSource(file, code);
    const module = new HotModule(file, 'esm', original.sources, names && sync ? { names, sync } : undefined);
    this.host.started(
      module,
      namespace,
      pending?.timers ?? new OwnedTimers(),
      pending?.servers.defined ?? new Map(),
      original.text,
      code,
    );
    if (live) {
      module.live = live.module;
      module.current.live = live.version;
      if (live.module.esm) live.module.esm.namespace = namespace as Record<string, unknown>;
    }
    // A facade initialises its bindings from the face now; a module without one never reads it.
    if (module.esm) module.face = createStableExports(namespace, module.currentExport);
    else module.faceFrom(namespace);
    this.host.loaded(module);
    return module.esm ? module.face : undefined;
  }

  /**
   * Called by a module served without a facade whose every export reads one of its bindings,
   * with those (see bound-namespace.ts): adopted with the namespace made from its accessors.
   */
  adoptEsmBound(file: string, locals: Array<[name: string, local: string]>): unknown {
    // The header made its live tables as it started; a module whose header did not run is never
    // served with this footer, but it would be adopted all the same, with no bindings to read.
    const module = this.host.live.startedEsm(file)?.module;
    return this.adoptEsm(
      file,
      boundNamespace(locals, (local) => module?.bindings[local]),
    );
  }
}

/** `code`'s JavaScript with its types stripped (type-stripping.ts); undefined where Node refuses it, which it then says itself. */
function strippedOrUndefined(file: string, code: string): string | undefined {
  try {
    return stripModuleTypes(file, code);
  } catch {
    return undefined;
  }
}
