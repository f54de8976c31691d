/**
 * Programs read ahead of their save (agent/readAhead, issue 13). While the user types, the
 * editor's client sends the module's code as it stands whenever typing pauses; the agent reads
 * it then (parse, scope analysis, reader: most of a prepare's time, ≈9 of 15 ms for a 500-line
 * module), and the save's prepare of the same code takes the reading instead of making it.
 *
 * Reading is pure: the same code gives the same model whatever runs in the app, so a model read
 * ahead is the one the prepare would read. The patch from the running version to that code is
 * built then too (most of the rest of a prepare: ≈4 ms of a 500-line module warm, 20 and more
 * in the first saves, which run it cold), with the digest the new version will keep. Building
 * it runs nothing: it gives new functions their slots and takes a generation, as a prepare
 * whose plan is aborted does. A patch depends on the running version, so the prepare takes it
 * only while that version still runs and the statements it asked about registered what they
 * had (PatchedAhead); otherwise it builds its own from the model. Evaluating stays in the
 * prepare. A reading is taken once. A later read of the file replaces it, and it is let go
 * after KEEP_MS: a reading holds a tree of the module (≈2 MB for 500 lines), for a few files
 * at most.
 *
 * Each reading has a number, which a prepare may send in place of the code (the code is kept
 * here already): a save's code went to each app twice, and for 16 instances of an app it was
 * most of the bytes a save sends.
 */
import { setTimeout } from 'node:timers';
import { sourceLines } from '../original-source';
import type { LiveVersion } from './index';
import type { LiveModule } from './live-module';
import { digestOf, type Digest } from './digest';
import { buildPatch, type Patch } from './patch';
import { readProgram, type ModuleKind, type ProgramModel } from './program';

/** How many files' readings are kept at once (the ones being edited). */
const MOST_FILES = 4;
/** How long a reading waits for its save (ms). */
const KEEP_MS = 60_000;

/** A patch built ahead, and what it was built against (see LiveCode.patch for when it is taken). */
export interface PatchedAhead {
  /** The running version it patches (by identity). */
  current: LiveVersion;
  generation: number;
  patch: Patch;
  /**
   * The digest the version made from the model will have: a pure function of the model and the
   * running version's bindings, made here too (≈1–2 ms of a 500-line module's first save, most of
   * it the shapes of the statements and functions the patch did not compare).
   */
  digest: Digest;
  /** Whether each statement the build asked about (by the running version's index) had registered something. */
  registered: ReadonlyMap<number, boolean>;
}

export interface Reading {
  /** Its number, unique in this process (agent/readAhead's `reading`). */
  id: number;
  code: string;
  kind: ModuleKind;
  model: ProgramModel;
  /** Undefined when the patch could not be built (its prepare builds it and says why). */
  patched: PatchedAhead | undefined;
  expiry: NodeJS.Timeout;
}

export class ReadAhead {
  readonly #readings = new Map<string, Reading>();
  /** How many readings prepares took, ever (a plan's timings say how many of its modules had one). */
  taken = 0;
  /** How many of them gave the prepare a patch to take as built. */
  patchesTaken = 0;
  #lastId = 0;

  /**
   * Reads `code`, the next version of `file`, and keeps the model, and the patch `patchAhead`
   * builds from it, for its prepare. Returns the reading's number, or undefined when nothing
   * was kept (code that does not parse: its prepare says what is wrong).
   */
  read(
    file: string,
    code: string,
    kind: ModuleKind,
    /** Builds the patch to the model read; undefined when it cannot (never throws). */
    patchAhead: (model: ProgramModel) => PatchedAhead | undefined = () => undefined,
  ): number | undefined {
    this.#drop(file);
    let model: ProgramModel;
    try {
      model = readProgram(code, sourceLines(file, code), kind);
    } catch {
      return undefined;
    }
    const patched = patchAhead(model);
    if (this.#readings.size >= MOST_FILES) this.#drop(this.#readings.keys().next().value!);
    const expiry = setTimeout(() => this.#drop(file), KEEP_MS).unref();
    const id = ++this.#lastId;
    this.#readings.set(file, { id, code, kind, model, patched, expiry });
    return id;
  }

  /** The code of reading `id` of `file` while it is kept (not taken, replaced or let go). */
  codeOf(file: string, id: number): string | undefined {
    const reading = this.#readings.get(file);
    return reading?.id === id ? reading.code : undefined;
  }

  /**
   * The patch built ahead for exactly this code of `file`, where it `fits`, left in place (a
   * prepare made ahead of its save asks whether it runs nothing before it takes the reading:
   * refused, it leaves the reading to its save).
   */
  patchedFor(
    file: string,
    code: string,
    kind: ModuleKind,
    fits: (patched: PatchedAhead) => boolean,
  ): Patch | undefined {
    const reading = this.#readings.get(file);
    if (reading?.code !== code || reading.kind !== kind || !reading.patched || !fits(reading.patched)) return undefined;
    return reading.patched.patch;
  }

  /**
   * The reading made ahead of exactly this code of `file`, given once; undefined when there is
   * none. Its patch only if it `fits` (is the one the prepare would build now).
   */
  take(
    file: string,
    code: string,
    kind: ModuleKind,
    fits: (patched: PatchedAhead) => boolean = () => false,
  ): Reading | undefined {
    const reading = this.#readings.get(file);
    // Another code's prepare (agent/warm's of the running code) leaves it for its own save.
    if (reading?.code !== code || reading.kind !== kind) return undefined;
    this.#drop(file);
    this.taken += 1;
    if (!reading.patched || !fits(reading.patched)) return { ...reading, patched: undefined };
    this.patchesTaken += 1;
    return reading;
  }

  #drop(file: string): void {
    const reading = this.#readings.get(file);
    if (!reading) return;
    clearTimeout(reading.expiry);
    this.#readings.delete(file);
  }
}

/**
 * The patch from `current` to `model`, built as a prepare builds it but with no statement run
 * again (a release's `rerun` is the prepare's to say), for the prepare of the same code; undefined
 * when it cannot be built (the prepare builds it again and says why). Never throws.
 */
export function patchAhead(module: LiveModule, current: LiveVersion, model: ProgramModel): PatchedAhead | undefined {
  const before = current.scope.statementIds;
  const registered = new Map<number, boolean>();
  try {
    const generation = module.nextGeneration();
    const patch = buildPatch(current.digest, model, module, generation, (index) => {
      const answer = module.registrations.has(before[index] ?? {});
      registered.set(index, answer);
      return answer;
    });
    return { current, generation, patch, digest: digestOf(model, current.digest.bindings), registered };
  } catch {
    return undefined;
  }
}

/**
 * Whether a patch built ahead is the one the prepare would build now: the version it patches
 * still runs, no statement is to run again, and every statement it asked about registered what
 * it had then (a route can be added after a statement ran, by its callback).
 */
export function patchedAheadFits(
  ahead: PatchedAhead,
  module: LiveModule,
  current: LiveVersion,
  rerun: ReadonlySet<object> | undefined,
): boolean {
  if (ahead.current !== current || (rerun !== undefined && rerun.size > 0)) return false;
  const before = current.scope.statementIds;
  for (const [index, had] of ahead.registered) if (module.registrations.has(before[index] ?? {}) !== had) return false;
  return true;
}
