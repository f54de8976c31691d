/**
 * The agent's collection of the young generation once a module was read ahead of its save
 * (code-server/young-generation.ts): a scavenge really runs, inside the call; the app gets no
 * `gc` global from it, in its own realm or in a context it makes later; and an app started with
 * --expose-gc keeps its flag.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { collectYoungGeneration } from '../../runtime-agent/src/code-server/young-generation';
import { waitFor } from '../helpers/wait';

/** The minor collections that started between `from` and `to` (performance.now() times). */
function minorCollections(entries: PerformanceEntry[], from: number, to: number): PerformanceEntry[] {
  return entries.filter(
    (entry) =>
      (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR &&
      entry.startTime >= from &&
      entry.startTime <= to,
  );
}

test('a scavenge runs inside the call, and leaves the app no gc global', async () => {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    collectYoungGeneration(); // the first call makes the context that has the collector
    const from = performance.now();
    collectYoungGeneration();
    const to = performance.now();
    // The observer hears of collections after they end, in a later turn.
    await waitFor('a minor collection inside the call', () => minorCollections(entries, from, to).length > 0, 5000);
  } finally {
    observer.disconnect();
  }
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined', "the app's realm");
  assert.equal(runInNewContext('typeof gc'), 'undefined', 'a context the app makes after');
});

test('an app started with --expose-gc keeps its gc, and its contexts too', () => {
  const script = [
    "const { collectYoungGeneration } = require('./runtime-agent/src/code-server/young-generation.ts');",
    'collectYoungGeneration();',
    "console.log(typeof gc, require('node:vm').runInNewContext('typeof gc'));",
  ].join('\n');
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', script], {
    cwd: new URL('../..', import.meta.url),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'function function');
});
