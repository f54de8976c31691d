/**
 * Saves for apps paused in a debugger. A paused app runs no JavaScript: a load sent to it would
 * wait out its deadline and fail, although nothing is wrong. So a save whose apps include a
 * paused one is held, reported as waiting, and loaded when the app resumes: the latest text of
 * each held file, once, in the order they were saved.
 */
import type { AgentClient } from '../engine/agent-client';
import { matchTargets } from '../engine/targets';
import type { ModuleInfo } from 'hotpatch-agent/protocol';

export class DebuggerPauses {
  readonly #paused = new Set<number>();
  /** Held saves, by URI, in the order they were first held. */
  readonly #held = new Set<string>();

  constructor(
    /** Loads a held save again (it is checked against the pauses again). */
    readonly load: (uri: string) => void,
  ) {}

  /** The debugger paused (true) or resumed (false) the app with `pid`. */
  set(pid: number, paused: boolean): void {
    if (paused) {
      this.#paused.add(pid);
      return;
    }
    if (!this.#paused.delete(pid)) return;
    const held = [...this.#held];
    this.#held.clear();
    for (const uri of held) this.load(uri);
  }

  isPaused(pid: number): boolean {
    return this.#paused.has(pid);
  }

  /**
   * The paused apps among `clients` that run one of `files`: a save for other apps need not
   * wait for them. An app whose modules are not known yet counts (asking it would wait out
   * its pause).
   */
  async pausedRunning(
    clients: readonly AgentClient[],
    files: readonly string[],
    modulesOf: (client: AgentClient) => readonly ModuleInfo[] | undefined,
  ): Promise<number[]> {
    const pids: number[] = [];
    for (const client of clients) {
      if (!this.#paused.has(client.info.pid)) continue;
      const modules = modulesOf(client);
      const runs = async (file: string) => (await matchTargets([client], file, () => modules)).length > 0;
      if (!modules || (await Promise.all(files.map(runs))).some(Boolean)) pids.push(client.info.pid);
    }
    return pids;
  }

  /** Holds a save of `uri` until the apps paused now resume. */
  hold(uri: string): void {
    this.#held.add(uri);
  }
}
