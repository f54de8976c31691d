/**
 * Files whose last text declared no state and exported nothing another module's state type can
 * name, and the speculation that allows. Every save tested its text's syntax for state
 * (may-hold-state.ts: one TypeScript parse, ≈1.7 ms for 100 lines, ≈4 ms for 500), and for
 * exports other modules may type their state with (type-imports.ts, the same parse), before the
 * agents were asked to prepare. A file whose last text did neither (a CommonJS module, an entry)
 * rarely starts to: its save is sent to the agents at once, and the test of its new text runs in
 * this process while they prepare. The commit waits for the test; a text that may hold state or
 * exports such names aborts the release before any commit (nothing in the apps changed), and the
 * save is made again with its analyses (save-pipeline.ts).
 */
import type { StateTypes } from './state-change';

export class StatelessFiles {
  readonly #files = new Set<string>();

  constructor(private readonly types: StateTypes | undefined) {}

  /** Records whether `text`, the file's newest analysed or opened text, declares no state and exports no type sources. */
  record(file: string, text: string): void {
    const types = this.types;
    if (!types?.mayHoldState) return;
    // What it exports is compared in the modules that import it only where that can be done.
    const typesImporters = !!types.typeDependents && !!types.exportsTypeSources?.(file, text);
    if (typesImporters || types.mayHoldState(file, text)) this.#files.delete(file);
    else this.#files.add(file);
  }

  /** Whether a save of `file` may go to the agents before its text is tested. */
  speculates(file: string): boolean {
    return this.#files.has(file); // only ever recorded when the state types can test a text
  }

  /**
   * The test of `text`, run in the next turn: after the prepares this turn sends. Resolves
   * to whether it declares no state and exports no type sources.
   */
  check(file: string, text: string): Promise<boolean> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.record(file, text);
        resolve(this.#files.has(file));
      }),
    );
  }
}
