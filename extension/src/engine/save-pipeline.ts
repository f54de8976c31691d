/**
 * What happens when a file is saved, for every front end (language server, `hotpatch watch`):
 * map it to the modules running it → check it compiles → compare each server's state type
 * with the one of the version running (from the source the agent keeps) → when a state type
 * changed and the new code has no codeChange, stop and say so; else upgrade every agent in
 * one two-phase transaction, with the new state shape checked by the agents.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { AgentInfo, ModuleInfo, StateShape, UpgradePlan } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { CompileError, compileModule, type Compiled } from './compile';
import { compileKey, findTargets, upgradeTargets, type LoadOutcome, type Target } from './hot-load';

/** One server's state type as the analysis sees it in a version of a module. */
export interface ServerStateType {
  key: string;
  typeName: string;
  /** Canonical structural form: equal strings mean the same state type. */
  canonical: string;
  shape: StateShape;
  hasCodeChange: boolean;
  /** Where the state type is declared in the analysed text (0-based). */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** The analysis the pipeline needs (see state-types/); absent, state types are not checked. */
export interface StateTypes {
  analyze(fileName: string, text: string): ServerStateType[];
  diff(old: StateShape, next: StateShape): string[];
  /** Edits (offsets into `text`) that write a typed codeChange stub converting the old state. */
  stubEdits?(fileName: string, text: string, change: StateChange): { start: number; end: number; newText: string }[];
}

/** A server whose state type changed with no codeChange to convert running states. */
export interface StateChange {
  agent: AgentInfo;
  module: ModuleInfo;
  server: ServerStateType;
  /** The running version. */
  fromVsn: string;
  fromSeq: number;
  /** Human lines: `+ history: number[]`, `- legacy: string`, `~ count: string → number`. */
  lines: string[];
  /** The old state type, as analysed from the running version's source. */
  old: ServerStateType;
}

export type SaveOutcome =
  | { kind: 'loaded'; file: string; outcomes: LoadOutcome[]; ms: number }
  | { kind: 'failed'; file: string; outcomes: LoadOutcome[]; ms: number }
  | { kind: 'notRunning'; file: string }
  /** Every agent already runs exactly this code (a save without changes, an auto-save). */
  | { kind: 'unchanged'; file: string }
  | { kind: 'syntaxError'; file: string; error: CompileError }
  | { kind: 'migrationNeeded'; file: string; changes: StateChange[]; ms: number };

export interface SavePipelineOptions {
  /** The connected agents, at the moment of the save. */
  clients(): AgentClient[];
  /** An agent's modules from a live model, when there is one (else they are requested). */
  modulesOf?(client: AgentClient): readonly ModuleInfo[] | undefined;
  stateTypes?: StateTypes;
  suspendTimeoutMs?: number;
}

export class SavePipeline {
  /** The running version's analysis per agent and module, keyed by its code hash. */
  readonly #oldTypes = new Map<string, { hash: string; types: ServerStateType[] }>();

  constructor(private readonly options: SavePipelineOptions) {}

  async onSave(file: string, text: string, origin: 'editor' | 'cli' = 'editor'): Promise<SaveOutcome> {
    const started = performance.now();
    const targets = await findTargets(this.options.clients(), file, this.options.modulesOf);
    if (targets.length === 0) return { kind: 'notRunning', file };
    const compiled = new Map<string, Compiled>();
    try {
      for (const { client, module } of targets) {
        const key = compileKey(file, client.info.nodeVersion, module);
        if (!compiled.has(key)) compiled.set(key, await compileModule(file, text, client.info.nodeVersion, module));
      }
    } catch (error) {
      if (error instanceof CompileError) return { kind: 'syntaxError', file, error };
      throw error;
    }
    // Loading the code that already runs would only push the useful old version out.
    const hashes = new Map([...compiled].map(([key, c]) => [key, codeHash(c.code)]));
    if (
      targets.every((t) => t.module.current.hash === hashes.get(compileKey(file, t.client.info.nodeVersion, t.module)))
    ) {
      return { kind: 'unchanged', file };
    }
    const types = this.options.stateTypes;
    const next = types ? types.analyze(file, text) : [];
    if (types && next.length > 0) {
      const changes = await this.#stateChanges(types, targets, file, next);
      if (changes.length > 0) return { kind: 'migrationNeeded', file, changes, ms: performance.now() - started };
    }
    // One shape per module file is what the agent checks; with one server per module (the
    // common case) it is that server's.
    const shape = next.length === 1 ? next[0]!.shape : undefined;
    const outcomes = await upgradeTargets(targets, file, text, origin, {
      suspendTimeoutMs: this.options.suspendTimeoutMs,
      shapeFor: () => shape,
      compiled,
    });
    // The version just loaded is the old one at the next save: its analysis is this one.
    for (const outcome of outcomes) {
      const current = outcome.result?.modules[0]?.current;
      if (current)
        this.#oldTypes.set(`${outcome.client.info.pid}\0${outcome.module.file}`, { hash: current.hash, types: next });
    }
    const ms = performance.now() - started;
    return { kind: outcomes.some((o) => o.error) ? 'failed' : 'loaded', file, outcomes, ms };
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
    });
    const ms = performance.now() - started;
    return { kind: outcomes.some((o) => o.error) ? 'failed' : 'loaded', file, outcomes, ms };
  }

  async #stateChanges(
    types: StateTypes,
    targets: Target[],
    file: string,
    next: ServerStateType[],
  ): Promise<StateChange[]> {
    const changes: StateChange[] = [];
    for (const { client, module } of targets) {
      const old = await this.#oldTypesOf(types, client, module, file);
      for (const server of next) {
        const before = old.find((o) => o.key === server.key);
        if (!before || before.canonical === server.canonical || server.hasCodeChange) continue;
        changes.push({
          agent: client.info,
          module,
          server,
          old: before,
          fromVsn: module.current.vsn,
          fromSeq: module.current.seq,
          lines: types.diff(before.shape, server.shape),
        });
      }
    }
    return changes;
  }

  async #oldTypesOf(
    types: StateTypes,
    client: AgentClient,
    module: ModuleInfo,
    file: string,
  ): Promise<ServerStateType[]> {
    // One entry per running module: only its current version is ever compared against.
    const key = `${client.info.pid}\0${module.file}`;
    const cached = this.#oldTypes.get(key);
    if (cached?.hash === module.current.hash) return cached.types;
    const { source } = await client.source(module.file);
    // Beside the edited file, so the old text's relative imports resolve as the new one's do.
    const virtual = join(dirname(file), `.hotpatch-v${module.current.seq}-${basename(file)}`);
    const analysed = types.analyze(virtual, source);
    this.#oldTypes.set(key, { hash: module.current.hash, types: analysed });
    return analysed;
  }
}

/** "State changed since v3 running in counter-app: + history: number[]" */
export function describeStateChange(change: StateChange): string {
  return (
    `${change.server.typeName} changed since v${change.fromVsn} running in ${change.agent.appName} ` +
    `(pid ${change.agent.pid}): ${change.lines.join(', ')}`
  );
}

/** The agent's version hash of a piece of code (VersionInfo.hash). */
function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 12);
}
