/**
 * The first save of a file, made warm when the file is opened (issue 13: every save live in
 * ≤ 25 ms, the first included). Cold, that save compiled on the spot the agent's code that
 * reads, compares and evaluates a version, and this side's compiler setup and state-type
 * analysis of the file, while the user waited: three to four times as long as the next save.
 * Opening the file does that work instead, once per agent and module: the file is compiled
 * and its state types analysed here, the agent is sent agent/warm (its running code prepared
 * in place and the plan dropped: nothing in the app runs or changes), and the save's replies
 * are checked once on samples.
 */
import { basename } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { compileModule } from './compile';
import { findTargets, type Target } from './hot-load';
import { warmSaveReplyChecks } from './replies';
import type { StateTypes } from './state-change';

/** Most rounds of the opened file's state-type analysis. */
const ANALYSIS_ROUNDS = 8;
/** No round of it starts past this much time (ms): a long file, whose every round is long. */
const ANALYSIS_BUDGET_MS = 150;

export interface FirstSaveWarmUpOptions {
  clients(): AgentClient[];
  modulesOf?(client: AgentClient): readonly ModuleInfo[] | undefined;
  stateTypes?: StateTypes;
  log?(message: string): void;
}

export class FirstSaveWarmUp {
  /** `pid`, module file: warmed once (the code each warm-up compiles stays compiled in that process). */
  readonly #warmed = new Set<string>();
  /** The warm-up in progress for a file, which its save waits for rather than run beside it. */
  readonly #pending = new Map<string, Promise<void>>();

  constructor(private readonly options: FirstSaveWarmUpOptions) {}

  /** Warms what the first save of `file` (with `text`) runs, where that was not done yet. Never rejects. */
  warm(file: string, text: string): Promise<void> {
    const previous = this.#pending.get(file) ?? Promise.resolve();
    const next = previous
      .then(() => this.#warm(file, text))
      .catch((error: unknown) => {
        // Only time is lost: the first save does what this could not.
        this.options.log?.(`could not warm ${basename(file)} up: ${error instanceof Error ? error.message : error}`);
      });
    this.#pending.set(file, next);
    void next.then(() => {
      if (this.#pending.get(file) === next) this.#pending.delete(file);
    });
    return next;
  }

  /** Resolves once no warm-up of `file` is in progress (a save prepares after it, not beside it). */
  settled(file: string): Promise<void> {
    return this.#pending.get(file) ?? Promise.resolve();
  }

  async #warm(file: string, text: string): Promise<void> {
    const targets = (await findTargets(this.options.clients(), file, this.options.modulesOf)).filter(
      (target) => !this.#warmed.has(keyOf(target)),
    );
    if (targets.length === 0) return;
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
    }
    const agentMs = await Promise.all(
      targets.map(async ({ client, module }) => {
        // A file that does not compile now is warmed as far as it goes: its save says why.
        await compileModule(file, text, client.info.nodeVersion, module).catch(() => undefined);
        const { warmed, ms, rounds, sliceRounds } = await client.warm(module.file);
        warmSaveReplyChecks(module);
        if (!warmed) return `not live in pid ${client.info.pid}`;
        const slices = sliceRounds ? ` and ${sliceRounds} on a slice` : '';
        return `${ms.toFixed(0)} ms in pid ${client.info.pid}${rounds === undefined ? '' : `, ${rounds} rounds${slices}`}`;
      }),
    );
    this.options.log?.(
      `warmed ${basename(file)} for its first save in ${(performance.now() - started).toFixed(0)} ms (${agentMs.join(', ')})`,
    );
  }
}

function keyOf({ client, module }: Target): string {
  return `${client.info.pid}\0${module.file}`;
}
