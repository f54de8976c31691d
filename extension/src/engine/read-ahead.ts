/**
 * The next version of a file, read in the apps while the user types (issue 13: every save live
 * in ≤ 25 ms). Once typing pauses, the file's text is compiled as its save would compile it and
 * sent to each agent running it (agent/readAhead): the agent parses and reads it then, and the
 * save's prepare of the same code takes that reading (and the patch the agent built from it)
 * instead of making it, which was most of a prepare's time (a 500-line module: ≈13 of 15 ms).
 * Nothing in the apps runs or changes; a save whose text was not read ahead (typed and saved at
 * once, formatted on save) reads it as before.
 *
 * This side's own tests of the text are made then too, for the save to find made: the syntax
 * check of a file the apps run as it is (esbuild's, which the commit waits for), and whether
 * the text may hold state (stateless-files.ts, one TypeScript parse: the state types keep the
 * last answer). Both depend on the text alone. And where the text may hold state or exports
 * types, the save's state-type analyses of it (a TypeScript program built and checked, ≈30 ms
 * for a module of a few dozen lines, as much again for the modules importing its types): the
 * analyzer keeps each for the same documents and disk (state-types/analyzer.ts), and the save
 * waits for one still under way rather than making it again.
 *
 * Where every agent read the text, the text declares no state, and each app's version would
 * run none of its code, the save is prepared too (prepared-ahead.ts): its save only commits.
 *
 * The cost is the app's, between keystrokes: one reading (and prepare) per pause of PAUSE_MS,
 * of the files being edited only; and this server's, one analysis per pause.
 */
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { compileModeFor, compileModule, syntaxErrorOf, type CompileError, type Compiled } from './compile';
import { codeHash, compileKey, findTargets, type Target } from './targets';
import { PreparedAhead } from './prepared-ahead';
import type { StateTypes } from './state-change';

/**
 * How long typing pauses (ms) before the text is read ahead: longer than the gap between two
 * keystrokes of someone typing, shorter than the time from the last keystroke to a save.
 */
export const PAUSE_MS = 250;

export interface ReadAheadOptions {
  clients(): AgentClient[];
  modulesOf?(client: AgentClient): readonly ModuleInfo[] | undefined;
  /** The save's test for state and its scan of imports, asked of the text read (each keeps its last answer). */
  stateTypes?: Pick<StateTypes, 'mayHoldState' | 'relativeImports'>;
  /**
   * Makes the save's state-type analyses of a text that may hold state, or exports what other
   * modules type their state with (the analyzer keeps them for the save: save-pipeline.ts).
   * Rejections are ignored: the save analyses the text itself.
   */
  analyzeAhead?(file: string, text: string, targets: readonly Target[]): Promise<void>;
  /** Called after each reading with what each agent answered, and whether the save was prepared in every one (tests, benchmarks). */
  onRead?(file: string, agents: Array<{ pid: number; read: boolean; ms: number }>, prepared: boolean): void;
}

/** What the last reading of a file made from its text, by compile key. */
interface Made {
  text: string;
  /** The compiles of a file the apps run compiled: its save compiles the same text the same way. */
  byKey: Map<string, Compiled>;
  /** The syntax checks of a file the apps run as it is. */
  syntax: Map<string, Promise<CompileError | undefined>>;
  /** A save or a newer change came while it was read: its save is not prepared ahead. */
  superseded: boolean;
}

export class ReadAhead {
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #made = new Map<string, Made>();
  /** The analyses made ahead, by file, until they end. */
  readonly #analyzing = new Map<string, Promise<void>>();
  /** The saves prepared ahead, by file: the last reading's. */
  readonly prepared = new PreparedAhead();

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
    const last = this.#made.get(file);
    const compiled = last?.text === text ? last.byKey.get(key) : undefined;
    // The save spent no time compiling it.
    return compiled && { ...compiled, compileMs: 0 };
  }

  /** The syntax check the last reading started of exactly `text`, for a file the apps run as it is (compile key `key`). */
  syntaxCheck(file: string, text: string, key: string): Promise<CompileError | undefined> | undefined {
    const last = this.#made.get(file);
    return last?.text === text ? last.syntax.get(key) : undefined;
  }

  /** Once the file's analysis made ahead, if one is under way, has ended: the save then finds it made. */
  async analyzed(file: string): Promise<void> {
    await this.#analyzing.get(file);
  }

  /**
   * A save of the file began, or its text changed again: a reading still pending would come
   * after it (the save reads what it loads), and the last one's save is not prepared now.
   */
  cancel(file: string): void {
    clearTimeout(this.#pending.get(file));
    this.#pending.delete(file);
    const last = this.#made.get(file);
    if (last) last.superseded = true;
  }

  /** The file was closed: nothing of it is kept. */
  forget(file: string): void {
    this.cancel(file);
    this.#made.delete(file);
    this.prepared.drop(file);
  }

  dispose(): void {
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
    this.#made.clear();
    this.prepared.dispose();
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
    const made: Made = { text, byKey: new Map(), syntax: new Map(), superseded: false };
    this.#made.set(file, made);
    this.prepared.drop(file);
    const codeFor = ({ client, module }: Target): Promise<string> => {
      const key = compileKey(file, client.info.nodeVersion, module);
      let code = compiling.get(key);
      if (!code) {
        const compile = compileModule(file, text, client.info.nodeVersion, module);
        if (compileModeFor(file, module) === 'as-is') {
          // Goes as it is (the agent's parser finds what does not parse); esbuild's check is its save's.
          made.syntax.set(key, syntaxErrorOf(compile, file));
          code = Promise.resolve(text);
        } else {
          code = compile.then((compiled) => {
            made.byKey.set(key, compiled);
            return compiled.code;
          });
        }
        compiling.set(key, code);
      }
      return code;
    };
    // One hash per compiled code, not one per agent (16 instances of an app share theirs).
    const hashes = new Map<string, string>();
    const hashOf = (code: string): string => {
      let hash = hashes.get(code);
      if (hash === undefined) hashes.set(code, (hash = codeHash(code)));
      return hash;
    };
    const answering = Promise.all(
      targets.map(async (target) => {
        const { client, module } = target;
        try {
          const code = await codeFor(target);
          if (hashOf(code) === module.current.hash) return undefined; // what runs now: nothing to read
          const { read, ms } = await client.readAhead(module.file, code);
          return { pid: client.info.pid, read, ms };
        } catch {
          // Text that does not compile yet, an agent gone or older than agent/readAhead.
          return { pid: client.info.pid, read: false, ms: 0 };
        }
      }),
    );
    // While the agents read: one parse and one scan of its imports here, not in the save.
    let stateless = false;
    try {
      if (targets.length > 0) {
        const { stateTypes } = this.options;
        // Without state types the save sends no shapes; with them, only a text that declares no state.
        stateless = stateTypes ? stateTypes.mayHoldState?.(file, text) === false : true;
        stateTypes?.relativeImports?.(file, text);
      }
    } catch {
      // the save tests the text itself
    }
    if (targets.length > 0 && !made.superseded) this.#analyzeAhead(file, text, targets);
    const answers = await answering;
    // Said read once the save's analyses are made too (onRead: the save finds everything ready).
    await this.analyzed(file);
    const agents = answers.filter((answer) => answer !== undefined);
    if (agents.length === 0) return;
    let prepared = false;
    // Each target read it (none runs it already), one module per app: the save's phase 1 is made now.
    const oneModuleEach = new Set(targets.map((t) => t.client)).size === targets.length;
    if (stateless && oneModuleEach && answers.every((answer) => answer?.read) && !made.superseded) {
      this.prepared.prepare(file, text, targets, (target) => {
        const key = compileKey(file, target.client.info.nodeVersion, target.module);
        return made.byKey.get(key) ?? { code: text, compileMs: 0 };
      });
      prepared = await this.prepared.allPrepared(file);
    }
    this.options.onRead?.(file, agents, prepared);
  }

  /** The save's analyses, started now (their first part runs in this turn, while the agents read them). */
  #analyzeAhead(file: string, text: string, targets: readonly Target[]): void {
    const { analyzeAhead } = this.options;
    if (!analyzeAhead) return;
    const analyzing = analyzeAhead(file, text, targets)
      .catch(() => undefined)
      .finally(() => {
        if (this.#analyzing.get(file) === analyzing) this.#analyzing.delete(file);
      });
    this.#analyzing.set(file, analyzing);
  }
}
