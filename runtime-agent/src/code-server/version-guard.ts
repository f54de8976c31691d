/**
 * A new version can never kill the app. What its top level starts may fail after the top
 * level returned: a `listen` on a port in use emits 'error' a moment later, a promise it made
 * rejects with no handler. While a version is prepared, such failures are caught and reject
 * the version (the current one keeps serving) instead of ending the process.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PendingListen } from './live/servers';
import { errorMessage } from '../error-message';

export class VersionGuard {
  readonly listens: PendingListen[] = [];
  /** What the version did that the report should say (a server handed over). */
  readonly notes: string[] = [];
  readonly #failures: string[] = [];
  readonly #onRejection = (reason: unknown): void => {
    this.#failures.push(`its top level left a promise rejection unhandled: ${errorMessage(reason)}`);
  };
  readonly #onException = (error: unknown): void => {
    this.#failures.push(`its top level threw later: ${errorMessage(error)}`);
  };

  constructor() {
    process.on('unhandledRejection', this.#onRejection);
    process.on('uncaughtException', this.#onException);
  }

  /**
   * Waits for the version's listens to bind or fail (at most `timeoutMs`) and two more turns
   * of the event loop (unhandled rejections are reported after a turn); returns the first
   * failure, or undefined when the version is sound.
   */
  async settle(timeoutMs: number): Promise<string | undefined> {
    try {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<string[]>((resolve) => {
        timer = setTimeout(() => resolve([]), timeoutMs);
      });
      const listened = Promise.all(
        this.listens.map(async (l) => {
          const error = await l.settled;
          return error ? `listen on ${l.address} failed: ${error.message}` : '';
        }),
      );
      const results = await Promise.race([listened, timedOut]);
      clearTimeout(timer);
      this.#failures.push(...results.filter(Boolean));
      await nextTurn();
      await nextTurn();
      return this.#failures[0];
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    process.off('unhandledRejection', this.#onRejection);
    process.off('uncaughtException', this.#onException);
  }
}
