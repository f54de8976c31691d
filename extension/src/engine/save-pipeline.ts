/**
 * What happens when a file is saved, for every front end (language server, `hotpatch watch`):
 * map it to the modules running it → check it compiles → compare each server's state type
 * with the one of the version running (from the source the agent keeps) → when a state type
 * changed and the new code has no codeChange, stop and say so; else upgrade every agent in
 * one two-phase transaction, with the new state shape checked by the agents (a server's
 * codeChange the running version has, whose result does not fit, asks for a migration too).
 */
import type { ModuleInfo, StateShape, UpgradePlan } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { CompileError, asIsSyntaxError, compileModeFor, compileModule, type Compiled } from './compile';
import { FirstSaveWarmUp } from './first-save-warm-up';
import { importScannerFor, RunningTexts } from './imports-not-running';
import { ReadAhead, type ReadAheadOptions } from './read-ahead';
import type { BatchOutcome, FileSave, SaveOptions, SaveOutcome } from './save-outcomes';
import { StatelessFiles } from './stateless-files';
import { analyzeAhead } from './analysis-ahead';
import { importerStateChanges, typeFileSaved, type TypeFileContext } from './type-file-saves';
import { upgradeEntries, upgradeTargets, type LoadOutcome, type StateAnalysis, type UpgradeEntry } from './hot-load';
import { codeHash, compileKey, findBundles, findTargets, type Target } from './targets';
import {
  changesLeftToCodeChange,
  migrationsRefused,
  RunningStateTypes,
  stateChanges,
  type ServerStateType,
  type StateChange,
  type StateTypes,
} from './state-change';

export type { BatchOutcome, FileSave, SaveOptions, SaveOutcome } from './save-outcomes';
export {
  describeStateChange,
  type FieldChange,
  type FieldStateType,
  type ServerStateType,
  type StateChange,
  type StateTypes,
} from './state-change';

export interface SavePipelineOptions {
  /** The connected agents, at the moment of the save. */
  clients(): AgentClient[];
  /** An agent's modules from a live model, when there is one (else they are requested). */
  modulesOf?(client: AgentClient): readonly ModuleInfo[] | undefined;
  stateTypes?: StateTypes;
  suspendTimeoutMs?: number;
  log?(message: string): void;
  /** Each reading of an edited file's next version in the agents (read-ahead.ts). */
  onReadAhead?: ReadAheadOptions['onRead'];
}

/** A file whose save can load: what #check found, for the load. */
interface ReadyToLoad {
  kind: 'ready';
  file: string;
  text: string;
  targets: Target[];
  compiled: Map<string, Compiled>;
  next: ServerStateType[];
  /** The syntax error of a file sent as it is, found beside the prepare: the release is then aborted. */
  syntaxCheck: Promise<CompileError | undefined>;
  /** Sent before its text was tested for state (stateless-files.ts): the test runs beside the prepare. */
  speculative: boolean;
  shape: StateShape | undefined;
  holderShapes: Record<string, StateShape> | undefined;
  analysis: StateAnalysis | undefined;
  /** Servers whose state type changed, left to the codeChange the running version has (changesLeftToCodeChange). */
  leftToCodeChange: StateChange[];
}

export class SavePipeline {
  /** The running versions' analyses: what saves are compared against. */
  readonly #running = new RunningStateTypes();
  /** What each running version was loaded from: what a saved file's imports are compared with. */
  readonly #runningTexts = new RunningTexts();
  /** What the analyses of other modules than the one saved read of the pipeline (type-file-saves.ts). */
  readonly #context: TypeFileContext = {
    clients: () => this.options.clients(),
    modulesOf: (client: AgentClient) => this.options.modulesOf?.(client),
    running: this.#running,
  };
  readonly #warmUp: FirstSaveWarmUp;
  readonly #stateless: StatelessFiles;
  readonly #readAhead: ReadAhead;
  /**
   * Saves refused because state that other modules type with the file's types changed (a zod
   * schema's `z.infer` type), by the file the migration goes in: they load with its save.
   */
  readonly #awaitingMigration = new Map<string, FileSave>();

  constructor(private readonly options: SavePipelineOptions) {
    this.#warmUp = new FirstSaveWarmUp({
      ...options,
      warmImporters: async (file, text, targets) => {
        const types = this.#stateTypesOf(file);
        if (types) await analyzeAhead(this.#context, types, { file, text }, targets, false);
      },
    });
    this.#stateless = new StatelessFiles(options.stateTypes);
    this.#readAhead = new ReadAhead({
      ...options,
      onRead: options.onReadAhead,
      analyzeAhead: async (file, text, targets) => {
        const types = this.#stateTypesOf(file);
        if (types) await analyzeAhead(this.#context, types, { file, text }, targets, !this.#stateless.speculates(file));
      },
    });
  }

  /** The editor's text of an open file changed (not saved): its next version is read ahead in the apps once typing pauses. */
  changed(file: string, text: string): void {
    this.#readAhead.changed(file, text);
  }

  /** The file was closed: nothing of it is read ahead, or kept from its last reading. */
  closed(file: string): void {
    this.#readAhead.forget(file);
  }

  dispose(): void {
    this.#readAhead.dispose();
  }

  /** A file opened in the editor: what its first save runs is made warm now (first-save-warm-up.ts). */
  warm(file: string, text: string): Promise<void> {
    const warmed = this.#warmUp.warm(file, text);
    this.#stateless.record(file, text);
    return warmed;
  }

  async onSave(
    file: string,
    text: string,
    origin: 'editor' | 'cli' = 'editor',
    options: SaveOptions = {},
  ): Promise<SaveOutcome> {
    const [outcome] = await this.onSaves([{ file, text, ...options }], origin);
    // One file is never held back by another.
    if (!outcome || outcome.kind === 'heldBack') throw new Error(`internal: a single save of ${file} was held back`);
    return outcome;
  }

  /**
   * Saves that go together (a Save All, or saves within the debounce) as one release: every
   * module of every file is upgraded in one transaction per agent, committed only when all
   * prepared. When one file cannot load (a syntax error, a state type that needs a migration),
   * none of the others loads either: they are `heldBack`. A save that waited for a migration
   * in one of these files goes with them: its outcome follows theirs.
   */
  async onSaves(saves: readonly FileSave[], origin: 'editor' | 'cli' = 'editor'): Promise<BatchOutcome[]> {
    const batch = this.#withAwaiting(saves);
    for (const save of batch) this.#readAhead.cancel(save.file);
    // An analysis made ahead and still under way ends first: the save then takes it.
    await Promise.all(batch.flatMap((save) => [this.#warmUp.settled(save.file), this.#readAhead.analyzed(save.file)]));
    let outcomes = await this.#load(batch, origin, true);
    // A text sent ahead of its test for state may hold some: its release was aborted before
    // any commit, and the saves are made again with their analysis.
    outcomes ??= await this.#load(batch, origin, false);
    if (!outcomes) throw new Error('internal: saves made with their analysis were taken as speculative');
    for (const outcome of outcomes.slice(saves.length)) {
      if (outcome.kind !== 'loaded' && outcome.kind !== 'unchanged') continue;
      for (const [file, held] of this.#awaitingMigration)
        if (held.file === outcome.file) this.#awaitingMigration.delete(file);
    }
    return outcomes;
  }

  /**
   * `saves`, and after them the saves that waited for a migration in one of their files: one
   * release loads the migration and what needed it. Their outcomes follow the others'.
   */
  #withAwaiting(saves: readonly FileSave[]): FileSave[] {
    const batch = [...saves];
    for (const save of saves) {
      const held = this.#awaitingMigration.get(save.file);
      if (held && !batch.some((s) => s.file === held.file)) batch.push(held);
    }
    return batch;
  }

  async #load(
    saves: readonly FileSave[],
    origin: 'editor' | 'cli',
    speculate: boolean,
  ): Promise<BatchOutcome[] | undefined> {
    const started = performance.now();
    const checked: (SaveOutcome | ReadyToLoad)[] = [];
    const texts = new Map(saves.map((save) => [save.file, save.text]));
    for (const save of saves) checked.push(await this.#check(save, started, speculate, texts));
    const blockers = checked.filter((c) => c.kind === 'syntaxError' || c.kind === 'migrationNeeded');
    const ready = checked.filter((c): c is ReadyToLoad => c.kind === 'ready');
    if (ready.length === 0 || blockers.length > 0) {
      const names = blockers.map((b) => b.file);
      return checked.map((c) => (c.kind === 'ready' ? { kind: 'heldBack', file: c.file, blockers: names } : c));
    }
    const entries: UpgradeEntry[] = ready.flatMap((r) =>
      r.targets.map((target) => ({
        ...target,
        file: r.file,
        text: r.text,
        compiled: r.compiled.get(compileKey(r.file, target.client.info.nodeVersion, target.module))!,
        shape: r.shape,
        holderShapes: r.holderShapes,
        analysis: r.analysis,
      })),
    );
    // Never rejects (syntaxErrorOf): awaited before the commits, and again for the outcome.
    const syntaxErrors = Promise.all(ready.map((r) => r.syntaxCheck));
    // Run in the next turn, once upgradeEntries has sent the prepares.
    const stateless = Promise.all(
      ready.map((r) => (r.speculative ? this.#stateless.check(r.file, r.text) : Promise.resolve(true))),
    );
    // One file saved: its phase 1 may have been made while the user typed (prepared-ahead.ts).
    const ahead = ready.length === 1 ? this.#readAhead.prepared.take(ready[0]!.file, ready[0]!.text) : undefined;
    const outcomes = await upgradeEntries(entries, origin, {
      suspendTimeoutMs: this.options.suspendTimeoutMs,
      modulesOf: (client) => this.options.modulesOf?.(client),
      runningTexts: this.#runningTexts,
      scanImports: importScannerFor(this.options.stateTypes),
      beforeCommit: async () =>
        (await syntaxErrors).every((error) => error === undefined) && (await stateless).every(Boolean),
      ...(ahead ? { preparedAhead: (client, mine) => ahead.planFor(client, mine, origin) } : {}),
    }).finally(() => ahead?.release());
    const statelessNow = await stateless;
    if (!statelessNow.every(Boolean)) {
      const files = ready.filter((_, i) => !statelessNow[i]).map((r) => r.file);
      this.options.log?.(
        `${files.join(', ')} may hold state or type the state of its importers now: prepared again with its analyses`,
      );
      return undefined;
    }
    // A syntax error is said as one, located in the file, whatever the agents made of the code.
    const errors = await syntaxErrors;
    if (errors.some((error) => error !== undefined)) {
      const names = ready.filter((_, i) => errors[i]).map((r) => r.file);
      return checked.map((c) => {
        if (c.kind !== 'ready') return c;
        const error = errors[ready.indexOf(c)];
        return error
          ? { kind: 'syntaxError', file: c.file, error }
          : { kind: 'heldBack', file: c.file, blockers: names };
      });
    }
    const ms = performance.now() - started;
    const byFile = new Map<string, LoadOutcome[]>();
    for (const [i, outcome] of outcomes.entries()) {
      const { file } = entries[i]!;
      byFile.set(file, [...(byFile.get(file) ?? []), outcome]);
      // The version just loaded is the old one at the next save: its analysis is this one.
      const current = outcome.result?.modules[0]?.current;
      const next = ready.find((r) => r.file === file)!.next;
      if (current) this.#running.set(outcome.client, outcome.module.file, current.hash, next);
    }
    const failed = outcomes.some((o) => o.error);
    const refused = failed
      ? migrationsRefused(
          outcomes.map((outcome, i) => ({ file: entries[i]!.file, outcome })),
          (file) => ready.find((r) => r.file === file)?.leftToCodeChange ?? [],
        )
      : new Map<string, StateChange[]>();
    return checked.map((c) => {
      if (c.kind !== 'ready') return c;
      const changes = refused.get(c.file);
      if (changes) return { kind: 'migrationNeeded', file: c.file, changes, ms };
      const outcomes = byFile.get(c.file) ?? [];
      // Not loaded only because a file of the release asks for a migration: it goes with that one's next save.
      if (refused.size > 0 && !outcomes.some(failedOnItsOwn))
        return { kind: 'heldBack', file: c.file, blockers: [...refused.keys()] };
      return { kind: failed ? 'failed' : 'loaded', file: c.file, outcomes, ms };
    });
  }

  /** What reads `file`'s state types: none for a JSON module, whose value is data, not declarations. */
  #stateTypesOf(file: string): StateTypes | undefined {
    return compileModeFor(file) === 'json' ? undefined : this.options.stateTypes;
  }

  /** A target whose running code SWC or Babel made (running-compilers.ts), which a save compiled here cannot replace statement by statement. */
  #foreignBuild(
    file: string,
    targets: readonly Target[],
  ): { built: string; compiler: string; atLoad: boolean } | undefined {
    const foreign = targets.find(({ module }) => module.compiledBy === 'SWC' || module.compiledBy === 'Babel');
    if (!foreign) return undefined;
    const { module } = foreign;
    return { built: module.file, compiler: module.compiledBy!, atLoad: module.file === file };
  }

  /** Everything short of loading: the modules running the file, its code, its state types. */
  async #check(
    save: FileSave,
    started: number,
    speculate: boolean,
    batch: ReadonlyMap<string, string>,
  ): Promise<SaveOutcome | ReadyToLoad> {
    const { file, text } = save;
    const targets = await findTargets(this.options.clients(), file, this.options.modulesOf);
    const types = this.#stateTypesOf(file);
    if (targets.length === 0) {
      const bundles = await findBundles(this.options.clients(), file, this.options.modulesOf);
      if (bundles.length > 0) return { kind: 'bundled', file, bundles };
      if (!types?.isTypeOnly?.(file, text)) return { kind: 'notRunning', file };
      return typeFileSaved(this.#context, types, { file, text, previousText: save.previousText }, started);
    }
    const foreign = this.#foreignBuild(file, targets);
    if (foreign) return { kind: 'otherCompiler', file, ...foreign };
    const compiled = new Map<string, Compiled>();
    const syntaxChecks: Promise<CompileError | undefined>[] = [];
    try {
      for (const { client, module } of targets) {
        const key = compileKey(file, client.info.nodeVersion, module);
        if (compiled.has(key)) continue;
        if (compileModeFor(file, module) === 'as-is') {
          // Sent as it is: its syntax check runs while the agents prepare (asIsSyntaxError).
          compiled.set(key, { code: text, compileMs: 0 });
          syntaxChecks.push(
            this.#readAhead.syntaxCheck(file, text, key) ??
              asIsSyntaxError(file, text, client.info.nodeVersion, module),
          );
        } else {
          const readAhead = this.#readAhead.compiled(file, text, key);
          compiled.set(key, readAhead ?? (await compileModule(file, text, client.info.nodeVersion, module)));
        }
      }
    } catch (error) {
      if (error instanceof CompileError) return { kind: 'syntaxError', file, error };
      throw error;
    }
    const syntaxCheck = Promise.all(syntaxChecks).then((errors) => errors.find((e) => e !== undefined));
    // Loading the code that already runs would only push the useful old version out.
    const hashes = new Map([...compiled].map(([key, c]) => [key, codeHash(c.code)]));
    if (
      targets.every((t) => t.module.current.hash === hashes.get(compileKey(file, t.client.info.nodeVersion, t.module)))
    ) {
      return { kind: 'unchanged', file };
    }
    const speculative = speculate && this.#stateless.speculates(file);
    let analysisStarted = performance.now();
    const before = types?.analyses?.();
    const next = types && !speculative ? types.analyze(file, text) : [];
    if (!speculative) this.#stateless.record(file, text);
    const leftToCodeChange: StateChange[] = [];
    if (types && next.length > 0) {
      const changes: StateChange[] = [];
      for (const target of targets) {
        const old = await this.#running.of(types, target.client, target.module, file);
        changes.push(...stateChanges(types, target, file, old, next));
        leftToCodeChange.push(...changesLeftToCodeChange(types, target, file, old, next));
      }
      // The agent checks one state shape per module: where the module defines more servers, the
      // result of a codeChange the running version has could not be checked, so the save asks.
      if (next.filter((t) => !t.kind).length > 1) {
        const unchecked = 'with more than one server in the module, what it returns is not checked';
        changes.push(...leftToCodeChange.splice(0).map((change) => ({ ...change, refusal: unchecked })));
      }
      const waited = performance.now();
      const error = await syntaxCheck;
      analysisStarted += performance.now() - waited; // the syntax check's time is not the analysis's
      if (error) return { kind: 'syntaxError', file, error };
      if (changes.length > 0) return { kind: 'migrationNeeded', file, changes, ms: performance.now() - started };
    }
    // What an earlier save of the file waited for, this one decides anew.
    for (const [waiting, held] of this.#awaitingMigration)
      if (held.file === file) this.#awaitingMigration.delete(waiting);
    // A speculative save's text is tested for exports while the agents prepare (stateless-files.ts).
    const imported = speculative ? undefined : await this.#importerChanges(save, targets, batch, started);
    if (imported) {
      const error = await syntaxCheck;
      return error ? { kind: 'syntaxError', file, error } : imported;
    }
    // One shape per module file is what the agent checks; with one server per module (the
    // common case) it is that server's.
    const servers = next.filter((t) => !t.kind);
    const holders = next.filter((t) => t.kind);
    // Said where the save asked for analyses: the text may hold state, or other modules its types.
    const after = types?.analyses?.();
    const analysis =
      before && after && after.asked > before.asked
        ? { ms: performance.now() - analysisStarted, madeAhead: after.made === before.made }
        : undefined;
    return {
      kind: 'ready',
      file,
      text,
      targets,
      compiled,
      next,
      syntaxCheck,
      speculative,
      shape: servers.length === 1 ? servers[0]!.shape : undefined,
      holderShapes: holders.length > 0 ? holderShapesOf(holders) : undefined,
      analysis,
      leftToCodeChange,
    };
  }

  /**
   * The state types that other running modules hold in what the saved module exports
   * (`type Todo = z.infer<typeof TodoSchema>` held in a service's `todos: Todo[]`, or
   * `Array<ReturnType<typeof makeTodo>>`), when they changed without a migration: the save waits
   * for one, written in those modules.
   */
  async #importerChanges(
    save: FileSave,
    targets: readonly Target[],
    batch: ReadonlyMap<string, string>,
    started: number,
  ): Promise<SaveOutcome | undefined> {
    const types = this.#stateTypesOf(save.file);
    if (!types?.typeDependents || !types.exportsTypeSources?.(save.file, save.text)) return undefined;
    // The types the importers hold: those of the text the app runs (not the last text saved, which
    // a refusal may have kept out of it).
    const runningText = () => this.#running.sourceOf(targets[0]!.client, targets[0]!.module);
    const { file, text } = save;
    const saved = { file, text, previousText: undefined, keepsDocument: true };
    const { changes } = await importerStateChanges(this.#context, types, saved, batch, runningText);
    if (changes.length === 0) return undefined;
    for (const change of changes) this.#awaitingMigration.set(change.file, save);
    return { kind: 'migrationNeeded', file: save.file, changes, ms: performance.now() - started };
  }

  /**
   * What saving `text` would do, without doing it: each agent's prepared plan (processes,
   * migrations, before/after states of the first ones), aborted at once.
   */
  async preview(file: string, text: string): Promise<UpgradePlan[]> {
    const targets = await findTargets(this.options.clients(), file, this.options.modulesOf);
    const plans: UpgradePlan[] = [];
    for (const { client, module } of targets) {
      const { code } = await compileModule(file, text, client.info.nodeVersion, module);
      const plan = await client.prepare({ modules: [{ file: module.file, code, source: text, origin: 'editor' }] });
      if (plan.ok) await client.abort(plan.id);
      plans.push(plan);
    }
    return plans;
  }

  /** Loads `text` with no migration, restarting the module's processes fresh on the new code. */
  async restart(file: string, text: string): Promise<SaveOutcome> {
    const started = performance.now();
    const targets = await findTargets(this.options.clients(), file, this.options.modulesOf);
    if (targets.length === 0) return { kind: 'notRunning', file };
    const outcomes = await upgradeTargets(targets, file, text, 'editor', {
      suspendTimeoutMs: this.options.suspendTimeoutMs,
      restart: true,
      modulesOf: (client) => this.options.modulesOf?.(client),
      runningTexts: this.#runningTexts,
      scanImports: importScannerFor(this.options.stateTypes),
    });
    const ms = performance.now() - started;
    return { kind: outcomes.some((o) => o.error) ? 'failed' : 'loaded', file, outcomes, ms };
  }
}

/** Whether a load failed for a reason of its own: its agent did not prepare it, or named its module's code. */
function failedOnItsOwn(outcome: LoadOutcome): boolean {
  if (outcome.error === undefined) return false;
  return !outcome.plan || outcome.plan.errors.some((e) => e.file === outcome.module.file);
}

/** What the agent checks holders' migrated fields against, by holder key. */
function holderShapesOf(holders: readonly ServerStateType[]): Record<string, StateShape> {
  return Object.fromEntries(holders.map((h) => [h.key, h.shape]));
}
