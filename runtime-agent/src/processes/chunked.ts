/**
 * Work over many processes in chunks, yielding to the event loop between them, so an upgrade of
 * 100,000 processes never blocks the app for long (see release-handler.ts).
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import { BudgetExceeded, runEachWithinBudget } from '../code-server/budget';
import { asCommitted } from '../code-server/live/as-committed';
import type { UpgradeError } from '../protocol';
import { Migration, cutOff, type MigrationStage } from './migration';
import type { ServerProcess } from './server-process';

/** Runs `each` over `items`, `chunkSize` per event-loop turn; returns the longest chunk in ms. */
export async function chunked<T>(chunkSize: number, items: T[], each: (item: T) => void): Promise<number> {
  let longest = 0;
  for (let i = 0; i < items.length; i += chunkSize) {
    if (i > 0) await nextTick();
    const chunkStarted = performance.now();
    for (const item of items.slice(i, i + chunkSize)) each(item);
    longest = Math.max(longest, performance.now() - chunkStarted);
  }
  return longest;
}

/** How long a chunk of a migration spends copying states before it runs their codeChanges. */
const COPY_SLICE_MS = 50;

/**
 * Migrates `processes` (of `file`) in chunks as `chunked` does: for each chunk the states are
 * copied first (for at most COPY_SLICE_MS, which bounds the copies held at once), then the
 * codeChanges run within their time budget (runEachWithinBudget; the event loop gets a turn
 * whenever a budget's worth has passed), then the results are checked and `done` is told. Only
 * the codeChange itself counts against its budget: not the copy, nor the checks and previews.
 * One cut off is an error of its process and the rest are not run, since the upgrade is refused
 * either way. Returns the longest stretch without a turn of the event loop, in ms.
 */
export async function migrating(
  chunkSize: number,
  budgetMs: number,
  stage: MigrationStage,
  purpose: string,
  processes: ServerProcess[],
  errors: UpgradeError[],
  done: (process: ServerProcess, state: unknown) => void,
): Promise<number> {
  let longest = 0;
  let since = performance.now();
  const turn = async (): Promise<void> => {
    longest = Math.max(longest, performance.now() - since);
    await nextTick();
    since = performance.now();
  };
  for (let i = 0; i < processes.length;) {
    if (i > 0) await turn();
    const copying = performance.now();
    const batch: Migration[] = [];
    while (i < processes.length && batch.length < chunkSize) {
      batch.push(new Migration(stage, processes[i++]!, purpose));
      if (performance.now() - copying > COPY_SLICE_MS) break;
    }
    try {
      for (let k = 0; k < batch.length;) {
        // Without a codeChange nothing runs: the module's guard cell need not rise for it.
        k = asCommitted(stage.hasMigration ? stage.version : undefined, () =>
          runEachWithinBudget(batch, k, batch.length, budgetMs, (migration) => migration.run()),
        );
        if (k < batch.length) await turn();
      }
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      errors.push(cutOff(stage.module.file, error));
      return Math.max(longest, performance.now() - since);
    }
    for (const migration of batch) {
      const migrated = migration.finish(errors);
      if (migrated) done(migration.process, migrated.state);
    }
  }
  return Math.max(longest, performance.now() - since);
}
