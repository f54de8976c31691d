/** What a save did (SavePipeline's outcomes), and what a save is. */
import type { CompileError } from './compile';
import type { LoadOutcome } from './hot-load';
import type { StateChange } from './state-change';

export type SaveOutcome =
  | { kind: 'loaded'; file: string; outcomes: LoadOutcome[]; ms: number }
  | { kind: 'failed'; file: string; outcomes: LoadOutcome[]; ms: number }
  | { kind: 'notRunning'; file: string }
  /** A source of the bundles listed, which load as their build writes them (bundledSourceMessage). */
  | { kind: 'bundled'; file: string; bundles: string[] }
  /**
   * A TypeScript source whose running module `built` another compiler made (running-compilers.ts);
   * `atLoad`: the app compiles the source itself as it loads it.
   */
  | { kind: 'otherCompiler'; file: string; built: string; compiler: string; atLoad: boolean }
  /** Every agent already runs exactly this code (a save without changes, an auto-save). */
  | { kind: 'unchanged'; file: string }
  | { kind: 'syntaxError'; file: string; error: CompileError }
  | { kind: 'migrationNeeded'; file: string; changes: StateChange[]; ms: number }
  /**
   * A file of types only, which compiles to nothing: `dependents` running modules import it.
   * `uncompared`: those whose state types could not be compared, since neither the file's
   * previous text nor their running analysis was known (a CLI run, a file never opened).
   */
  | { kind: 'typesOnly'; file: string; dependents: number; uncompared: string[] };

/** A file saved and its text, for `onSaves`. */
export interface FileSave extends SaveOptions {
  file: string;
  text: string;
}

/**
 * What a save in a batch did: what a single save does, or nothing because another file of the
 * batch could not load (`blockers`, their paths): a batch loads all or nothing.
 */
export type BatchOutcome = SaveOutcome | { kind: 'heldBack'; file: string; blockers: string[] };

export interface SaveOptions {
  /**
   * The file's text before this save (the last one saved or opened): a type file's previous
   * types are what the modules importing it were analysed with.
   */
  previousText?: string;
}
