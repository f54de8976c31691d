/**
 * The next version of a file, read in the apps while the user types (issue 13: every save live
 * in ≤ 25 ms). Once typing pauses, the file's text is compiled as its save would compile it and
 * sent to each agent running it (agent/readAhead): the agent parses and reads it then, and the
 * save's prepare of the same code takes that reading instead of making it, which was most of a
 * prepare's time (a 500-line module: ≈9 of 15 ms). Nothing in the apps runs or changes; a save
 * whose text was not read ahead (typed and saved at once, formatted on save) reads it as before.
 *
 * The cost is the app's, between keystrokes: one reading per pause of PAUSE_MS, of the files
 * being edited only.
 */
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { compileModeFor, compileModule, type Compiled } from './compile';
import { codeHash, compileKey, findTargets, type Target } from './hot-load';

/**
 * How long typing pauses (ms) before the text is read ahead: longer than the gap between two
 * keystrokes of someone typing, shorter than the time from the last keystroke to a save.
 */
export const PAUSE_MS = 250;

export interface ReadAheadOptions {
  clients(): AgentClient[];
  modulesOf?(client: AgentClient): readonly ModuleInfo[] | undefined;
  /** Called after each reading with what each agent answered (tests, benchmarks). */
  onRead?(file: string, agents: Array<{ pid: number; read: boolean; ms: number }>): void;
}

export class ReadAhead {
  readonly #pending = new Map<string, NodeJS.Timeout>();
  /** What the last reading of each file compiled, by compile key: its save compiles the same text the same way. */
  readonly #compiled = new Map<string, { text: string; byKey: Map<string, Compiled> }>();

  constructor(private readonly options: ReadAheadOptions) {}

  /** The editor's text of `file` changed: it is read ahead once no other change came for PAUSE_MS. */
  changed(file: string, text: string): void {
    this.cancel(file);
    const timer = setTimeout(() => {
      this.#pending.delete(file);
      void this.#read(file, text);
    }, PAUSE_MS);
    timer.unref();
    this.#pending.set(file, timer);
  }

  /**
   * The code the last reading compiled from exactly `text` for compile key `key`, once that
   * compile succeeded (a TypeScript file: 4–9 ms a save spends no more).
   */
  compiled(file: string, text: string, key: string): Compiled | undefined {
    const last = this.#compiled.get(file);
    const compiled = last?.text === text ? last.byKey.get(key) : undefined;
    // The save spent no time compiling it.
    return compiled && { ...compiled, compileMs: 0 };
  }

  /** A save of the file began: a reading still pending would come after it (the save reads what it loads). */
  cancel(file: string): void {
    clearTimeout(this.#pending.get(file));
    this.#pending.delete(file);
  }

  /** The file was closed: nothing of it is kept. */
  forget(file: string): void {
    this.cancel(file);
    this.#compiled.delete(file);
  }

  dispose(): void {
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
    this.#compiled.clear();
  }

  /** Never rejects: only time is at stake, and the save reads what this could not. */
  async #read(file: string, text: string): Promise<void> {
    let targets: Target[];
    try {
      targets = await findTargets(this.options.clients(), file, this.options.modulesOf);
    } catch {
      return; // no agent to ask now: the save finds them
    }
    const compiling = new Map<string, Promise<string>>();
    const byKey = new Map<string, Compiled>();
    this.#compiled.set(file, { text, byKey });
    const codeFor = ({ client, module }: Target): Promise<string> => {
      const key = compileKey(file, client.info.nodeVersion, module);
      let code = compiling.get(key);
      if (!code) {
        // A file the app runs as it is goes as it is: the agent's parser finds what does not parse.
        code =
          compileModeFor(file, module) === 'as-is'
            ? Promise.resolve(text)
            : compileModule(file, text, client.info.nodeVersion, module).then((compiled) => {
                byKey.set(key, compiled);
                return compiled.code;
              });
        compiling.set(key, code);
      }
      return code;
    };
    const answers = await Promise.all(
      targets.map(async (target) => {
        const { client, module } = target;
        try {
          const code = await codeFor(target);
          if (codeHash(code) === module.current.hash) return undefined; // what runs now: nothing to read
          const { read, ms } = await client.readAhead(module.file, code);
          return { pid: client.info.pid, read, ms };
        } catch {
          // Text that does not compile yet, an agent gone or older than agent/readAhead.
          return { pid: client.info.pid, read: false, ms: 0 };
        }
      }),
    );
    const agents = answers.filter((answer) => answer !== undefined);
    if (agents.length > 0) this.options.onRead?.(file, agents);
  }
}
