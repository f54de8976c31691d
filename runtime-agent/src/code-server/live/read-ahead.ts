/**
 * Programs read ahead of their save (agent/readAhead, issue 13). While the user types, the
 * editor's client sends the module's code as it stands whenever typing pauses; the agent reads
 * it then (parse, scope analysis, reader: most of a prepare's time, ≈9 of 15 ms for a 500-line
 * module), and the save's prepare of the same code takes the reading instead of making it.
 *
 * Reading is pure: the same code gives the same model whatever runs in the app, so a model read
 * ahead is the one the prepare would read. Nothing runs and nothing in the app changes; building
 * the patch (which gives new functions their slots) and evaluating stay in the prepare. A model
 * is taken once. A later read of the file replaces it, and it is let go after KEEP_MS: a
 * reading holds a tree of the module (≈2 MB for 500 lines), for a few files at most.
 */
import { setTimeout } from 'node:timers';
import { sourceLines } from '../original-source';
import { readProgram, type ModuleKind, type ProgramModel } from './program';

/** How many files' readings are kept at once (the ones being edited). */
const MOST_FILES = 4;
/** How long a reading waits for its save (ms). */
const KEEP_MS = 60_000;

interface Reading {
  code: string;
  kind: ModuleKind;
  model: ProgramModel;
  expiry: NodeJS.Timeout;
}

export class ReadAhead {
  readonly #readings = new Map<string, Reading>();
  /** How many readings prepares took, ever (a plan's timings say how many of its modules had one). */
  taken = 0;

  /**
   * Reads `code`, the next version of `file`, and keeps the model for its prepare. Returns
   * whether it could (code that does not parse is not kept: its prepare says what is wrong).
   */
  read(file: string, code: string, kind: ModuleKind): boolean {
    this.#drop(file);
    let model: ProgramModel;
    try {
      model = readProgram(code, sourceLines(file, code), kind);
    } catch {
      return false;
    }
    if (this.#readings.size >= MOST_FILES) this.#drop(this.#readings.keys().next().value!);
    const expiry = setTimeout(() => this.#drop(file), KEEP_MS).unref();
    this.#readings.set(file, { code, kind, model, expiry });
    return true;
  }

  /** The model read ahead for exactly this code of `file`, given once; undefined when there is none. */
  take(file: string, code: string, kind: ModuleKind): ProgramModel | undefined {
    const reading = this.#readings.get(file);
    // Another code's prepare (agent/warm's of the running code) leaves it for its own save.
    if (reading?.code !== code || reading.kind !== kind) return undefined;
    this.#drop(file);
    this.taken += 1;
    return reading.model;
  }

  #drop(file: string): void {
    const reading = this.#readings.get(file);
    if (!reading) return;
    clearTimeout(reading.expiry);
    this.#readings.delete(file);
  }
}
