/**
 * The first save of a file, made warm when the file is opened (issue 13: every save live in
 * ≤ 25 ms, the first included). Cold, that save compiled on the spot the agent's code that
 * reads, compares and evaluates a version, and this side's compiler setup and state-type
 * analysis of the file, while the user waited: three to four times as long as the next save.
 * Opening the file does that work instead, once per agent and module: the file is compiled
 * and its state types analysed here, the agent is sent agent/warm (its running code prepared
 * in place and the plan dropped: nothing in the app runs or changes), and the save's replies
 * are checked once on samples. A save waits for this side's part, not for the agents': their
 * rounds end when the save's prepare reaches them.
 */
import { basename } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { compileModule } from './compile';
import { findTargets, type Target } from './targets';
import { importScannerFor } from './imports-not-running';
import { warmSaveReplyChecks } from './replies';
import type { StateTypes } from './state-change';

/** Most rounds of the opened file's import scan, and no round started past this much time (ms). */
const SCAN_ROUNDS = 8;
const SCAN_BUDGET_MS = 60;
/** Most rounds of the opened file's state-type analysis. */
const ANALYSIS_ROUNDS = 8;
/** No round of it starts past this much time (ms): a long file, whose every round is long. */
const ANALYSIS_BUDGET_MS = 150;

export interface FirstSaveWarmUpOptions {
  clients(): AgentClient[];
  modulesOf?(client: AgentClient): readonly ModuleInfo[] | undefined;
  stateTypes?: StateTypes;
  /**
   * Makes the analyses of the running modules that type their state with what the file exports
   * (type-file-saves.ts), as its save would: their running versions' are then kept, and the
   * first save analyses only their new state types.
   */
  warmImporters?(file: string, text: string, targets: readonly Target[]): Promise<void>;
  log?(message: string): void;
}

export class FirstSaveWarmUp {
  /** `pid`, module file: warmed once (the code each warm-up compiles stays compiled in that process). */
  readonly #warmed = new Set<string>();
  /**
   * This side's part of the warm-up in progress for a file, up to the agents being asked for
   * theirs: its save waits for it rather than compile and analyse beside it.
   */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(private readonly options: FirstSaveWarmUpOptions) {}

  /**
   * Warms what the first save of `file` (with `text`) runs, where that was not done yet.
   * Resolves once the agents answered too. Never rejects.
   */
  warm(file: string, text: string): Promise<void> {
    const previous = this.#pending.get(file) ?? Promise.resolve();
    // Only time is lost when it fails: the first save does what this could not.
    const failed = (error: unknown): void =>
      this.options.log?.(`could not warm ${basename(file)} up: ${error instanceof Error ? error.message : error}`);
    const run = previous.then(() => this.#warm(file, text));
    const asked = run.then(() => undefined, failed);
    this.#pending.set(file, asked);
    void asked.then(() => {
      if (this.#pending.get(file) === asked) this.#pending.delete(file);
    });
    return run.then(
      ({ answered }) => answered.catch(failed),
      () => undefined,
    );
  }

  /** Resolves once this side's warm-up of `file` is done and its agents were asked for theirs. */
  settled(file: string): Promise<void> {
    return this.#pending.get(file) ?? Promise.resolve();
  }

  /** This side's part; `answered` settles when the agents have answered (wrapped: not awaited here). */
  async #warm(file: string, text: string): Promise<{ answered: Promise<void> }> {
    const targets = (await findTargets(this.options.clients(), file, this.options.modulesOf)).filter(
      (target) => !this.#warmed.has(keyOf(target)),
    );
    if (targets.length === 0) return { answered: Promise.resolve() };
    for (const target of targets) this.#warmed.add(keyOf(target));
    const started = performance.now();
    const types = this.options.stateTypes;
    if (types) {
      // The program and checker for this file, built now; its text is left to the disk again. (The
      // running version's analysis is not made here: the files it imports may be saved meanwhile.)
      // Several rounds: the parser reaches its optimized code on a file of this size only after a
      // few (a 500-line file's first save, median of three: ≈48 ms after one round, ≈34 after ten).
      for (let round = 0; round < ANALYSIS_ROUNDS && performance.now() - started < ANALYSIS_BUDGET_MS; round++)
        types.analyze(file, text);
      types.setDocument?.(file, undefined);
      // The modules importing it that may hold state: cold, their running sources asked of the
      // agents and their analyses cost its first save 33–60 ms in bench/state-saves.ts.
      await this.options.warmImporters?.(file, text, targets).catch((error: unknown) => {
        this.options.log?.(`could not analyse the importers of ${basename(file)} ahead: ${String(error)}`);
      });
    }
    // A file that does not compile now is warmed as far as it goes: its save says why.
    await Promise.all(
      targets.map(({ client, module }) =>
        compileModule(file, text, client.info.nodeVersion, module).catch(() => undefined),
      ),
    );
    for (const { module } of targets) warmSaveReplyChecks(module);
    // The import scan each save makes (imports-not-running.ts): cold, ≈13 ms of a 500-line file's
    // first save, ≈1.5 once it has run six times or so.
    const scan = importScannerFor(types);
    const scanStarted = performance.now();
    for (let round = 0; round < SCAN_ROUNDS && performance.now() - scanStarted < SCAN_BUDGET_MS; round++)
      scan(file, text);
    const agentMs = targets.map(async ({ client, module }) => {
      const { warmed, ms, rounds, sliceRounds } = await client.warm(module.file);
      if (!warmed) return `not live in pid ${client.info.pid}`;
      const slices = sliceRounds ? ` and ${sliceRounds} on a slice` : '';
      return `${ms.toFixed(0)} ms in pid ${client.info.pid}${rounds === undefined ? '' : `, ${rounds} rounds${slices}`}`;
    });
    const answered = Promise.all(agentMs).then((times) =>
      this.options.log?.(
        `warmed ${basename(file)} for its first save in ${(performance.now() - started).toFixed(0)} ms (${times.join(', ')})`,
      ),
    );
    return { answered };
  }
}

function keyOf({ client, module }: Target): string {
  return `${client.info.pid}\0${module.file}`;
}
