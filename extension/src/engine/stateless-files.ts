/**
 * Files whose last text declared no state, and the speculation that allows. Every save tested
 * its text's syntax for state (may-hold-state.ts: one TypeScript parse, ≈1.7 ms for 100 lines,
 * ≈4 ms for 500) before the agents were asked to prepare. A file whose last text declared none
 * rarely starts to: its save is sent to the agents at once, and the test of its new text runs in
 * this process while they prepare. The commit waits for the test; a text that may hold state
 * aborts the release before any commit (nothing in the apps changed), and the save is made
 * again with its analysis (save-pipeline.ts).
 */
import type { StateTypes } from './state-change';

export class StatelessFiles {
  readonly #files = new Set<string>();

  constructor(private readonly types: StateTypes | undefined) {}

  /** Records whether `text`, the file's newest analysed or opened text, declares no state. */
  record(file: string, text: string): void {
    if (!this.types?.mayHoldState) return;
    if (this.types.mayHoldState(file, text)) this.#files.delete(file);
    else this.#files.add(file);
  }

  /** Whether a save of `file` may go to the agents before its text is tested. */
  speculates(file: string): boolean {
    return this.#files.has(file); // only ever recorded when the state types can test a text
  }

  /**
   * The test of `text`, run in the next turn: after the prepares this turn sends. Resolves
   * to whether it declares no state.
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
