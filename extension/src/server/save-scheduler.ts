/**
 * Which saves load, and which go together, as Dart-Code decides its hot reloads: `loadOnSave`
 * is `never`, `manual` (only the Hot-load command, which then takes every file saved since),
 * `all` or `allIfDirty` (a save of a file without changes loads nothing); auto-saves (after a
 * delay, on focus change) load only with `loadOnAutoSave`. Saves that come within the debounce
 * of each other (a Save All) are loaded as one release, all or nothing.
 */
import { TextDocumentSaveReason } from 'vscode-languageserver/node';
import type { LoadOnSave } from '../shared/load-on-save';

/**
 * How long a batch waits for a save VS Code announced (willSave) but has not reported done:
 * Save All announces its files together, then writes them one by one.
 */
const ANNOUNCED_SAVE_WAIT_MS = 1000;

export interface SaveSchedulerOptions<T> {
  mode: LoadOnSave;
  loadOnAutoSave: boolean;
  debounceMs: number;
  /** Loads the files (document URIs) as one release. */
  load(uris: string[]): Promise<T>;
  log(message: string): void;
}

export class SaveScheduler<T> {
  /** Saves waiting for the debounce to end, in the order they came. */
  readonly #batch = new Set<string>();
  /** Cancels the pending flush, if one is armed. */
  #cancelFlush: (() => void) | undefined;
  /** Saves announced (textDocument/willSave) and not yet done, with when, and their reasons. */
  readonly #announced = new Map<string, number>();
  readonly #reasons = new Map<string, TextDocumentSaveReason>();
  /** `manual`: files saved since the last load, for the Hot-load command. */
  readonly #unloaded = new Set<string>();
  /** Files a batch held back (another file of it could not load): they go with the next batch. */
  readonly #heldBack = new Set<string>();
  /** One release at a time: a batch saved while another loads waits for it. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SaveSchedulerOptions<T>) {}

  willSave(uri: string, reason: TextDocumentSaveReason): void {
    this.#announced.set(uri, performance.now());
    this.#reasons.set(uri, reason);
  }

  /** A save is done; `dirty`: the document had changes the save wrote. */
  didSave(uri: string, dirty: boolean): void {
    const reason = this.#reasons.get(uri) ?? TextDocumentSaveReason.Manual;
    this.#reasons.delete(uri);
    this.#announced.delete(uri);
    const skip = this.#skipReason(uri, reason, dirty);
    if (skip) {
      this.options.log(`not loading ${uri}: ${skip}`);
    } else {
      this.#batch.add(uri);
    }
    // Another file's save may have waited for this one.
    if (this.#batch.size > 0) this.#arm();
  }

  #skipReason(uri: string, reason: TextDocumentSaveReason, dirty: boolean): string | undefined {
    const { mode } = this.options;
    if (mode === 'never') return 'hotpatch.loadOnSave is "never"';
    if (mode === 'manual') {
      this.#unloaded.add(uri);
      return 'hotpatch.loadOnSave is "manual": the Hot-load command loads it';
    }
    if (reason !== TextDocumentSaveReason.Manual && !this.options.loadOnAutoSave) {
      const how = reason === TextDocumentSaveReason.AfterDelay ? 'after a delay' : 'on a focus change';
      return `an auto-save (${how}), and hotpatch.loadOnAutoSave is off`;
    }
    if (mode === 'allIfDirty' && !dirty) return 'saved without changes, and hotpatch.loadOnSave is "allIfDirty"';
    return undefined;
  }

  #arm(): void {
    this.#flushAfter(this.options.debounceMs);
  }

  /**
   * At debounce 0 the flush runs once the notifications already read are handled (a Save All's
   * didSaves come in one read), not after a timer: Node's shortest timer is 1 ms, on every save.
   */
  #flushAfter(ms: number): void {
    this.#cancelFlush?.();
    if (ms > 0) {
      const timer = setTimeout(() => this.#flush(), ms);
      this.#cancelFlush = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.#flush());
      this.#cancelFlush = () => clearImmediate(immediate);
    }
  }

  #flush(): void {
    this.#cancelFlush = undefined;
    const now = performance.now();
    const waiting = [...this.#announced.values()].some((at) => now - at < ANNOUNCED_SAVE_WAIT_MS);
    if (waiting) {
      this.#flushAfter(Math.max(10, this.options.debounceMs));
      return;
    }
    for (const [uri, at] of this.#announced) {
      if (now - at >= ANNOUNCED_SAVE_WAIT_MS) this.#announced.delete(uri); // a save that never finished
    }
    const uris = [...this.#batch, ...this.#heldBack];
    this.#batch.clear();
    this.#heldBack.clear();
    void this.run([...new Set(uris)]);
  }

  /**
   * The Hot-load command: loads `uri` now, with (in `manual`) every file saved since the last
   * load, in one release.
   */
  loadNow(uri: string): Promise<T> {
    const uris = this.options.mode === 'manual' ? [uri, ...this.#unloaded] : [uri];
    this.#unloaded.clear();
    return this.run([...new Set(uris)]);
  }

  /** Loads `uris` as one release once the releases before it are done. */
  run(uris: string[]): Promise<T> {
    const run = this.#queue.then(() => this.options.load(uris));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Files held back by a batch that could not load: they are loaded with the next one. */
  holdBack(uris: readonly string[]): void {
    for (const uri of uris) this.#heldBack.add(uri);
  }

  dispose(): void {
    this.#cancelFlush?.();
  }
}
