/**
 * Work over many processes in chunks, yielding to the event loop between them, so an upgrade of
 * 100,000 processes never blocks the app for long (see release-handler.ts).
 */
import { setImmediate as nextTick } from 'node:timers/promises';
import { BudgetExceeded, runEachWithinBudget } from '../code-server/budget';
import type { UpgradeError } from '../protocol';
import { cutOff } from './migration';
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

/**
 * Runs a migration (`each`) over the processes of `file` as `chunked` does, each codeChange
 * within its time budget (a chunk also ends early once the budget has passed: see budget.ts).
 * One cut off is an error of its process and the rest are not run, since the upgrade is refused
 * either way. Returns the longest chunk in ms.
 */
export async function migrating(
  chunkSize: number,
  budgetMs: number,
  file: string,
  processes: ServerProcess[],
  errors: UpgradeError[],
  each: (process: ServerProcess) => void,
): Promise<number> {
  let longest = 0;
  for (let i = 0; i < processes.length;) {
    if (i > 0) await nextTick();
    const chunkStarted = performance.now();
    try {
      i = runEachWithinBudget(processes, i, chunkSize, budgetMs, each);
    } catch (error) {
      if (!(error instanceof BudgetExceeded)) throw error;
      errors.push(cutOff(file, error));
      return Math.max(longest, performance.now() - chunkStarted);
    }
    longest = Math.max(longest, performance.now() - chunkStarted);
  }
  return longest;
}
