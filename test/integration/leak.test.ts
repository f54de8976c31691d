/**
 * Reloading must not leak: 10,000 versions of a ≈20 KB module loaded through the protocol into
 * a real CommonJS app and a real ES module app keep the retained heap (after gc) within 5 MB of
 * what it was after a warm-up. Node's own ways of reloading (require.cache eviction, import by a
 * new URL) retain 50–65 KB per version, hundreds of MB here.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { App } from '../helpers/app';
import { nodeRuntimes } from '../helpers/paths';
import { loadVersions, megabytes, payloadModule, retainedHeap } from '../helpers/versions';

const WARM_UP = 200;
const LOADS = 10_000;
const BOUND = 5 * 1024 * 1024;

// `--expose-gc` lets the fixture's /heap run gc(). `--no-flush-bytecode`: V8 drops the bytecode of
// functions that have not run for a few GCs, so the app's startup code (≈1.5 MB on Node 22/24)
// vanishes from the heap at some point during the run and would hide a leak of that size.
// Without flushing, everything still reachable keeps its bytecode: a retained version counts
// fully, and only garbage is freed.
const nodeOptions = ['--expose-gc', '--no-flush-bytecode'];

const apps = {
  cjs: { fixture: 'leak-cjs', payload: 'payload.js' },
  esm: { fixture: 'leak-esm', payload: 'payload.mjs' },
} as const;

// Node 20, 22 and 24: each soak takes minutes, and Node 26 runs every other integration test.
for (const runtime of nodeRuntimes().filter((r) => r.major !== 26)) {
  describe(`node ${runtime.major}`, () => {
    for (const kind of ['cjs', 'esm'] as const) {
      test(
        `${kind}: ${LOADS} loads of a 20 KB module retain < ${megabytes(BOUND)}`,
        { timeout: 400_000 },
        async (t) => {
          const app = await App.start(kind, { runtime, fixture: apps[kind].fixture, nodeOptions });
          after(() => app.stop());
          const client = await app.connect();
          after(() => client.close());
          const file = app.file(apps[kind].payload);
          const code = (n: number): string => payloadModule(n, { syntax: kind });
          assert.equal(await app.get('/payload'), 'payload-0');

          const started = performance.now();
          await loadVersions(client, file, { from: 1, to: 1 + WARM_UP }, code);
          const before = await retainedHeap(app);
          const last = await loadVersions(client, file, { from: 1 + WARM_UP, to: 1 + WARM_UP + LOADS }, code);
          const afterLoads = await retainedHeap(app);
          const seconds = (performance.now() - started) / 1000;

          // Every load took effect, and the route captured at startup runs the newest version.
          assert.equal(last?.module.current.seq, 1 + WARM_UP + LOADS);
          assert.equal(await app.get('/payload'), `payload-${WARM_UP + LOADS}`);

          const growth = afterLoads - before;
          const figures =
            `node ${runtime.major} ${kind}: module ${(Buffer.byteLength(code(1)) / 1024).toFixed(1)} KB; ` +
            `heap after ${WARM_UP} loads ${megabytes(before)}, after ${LOADS} more ${megabytes(afterLoads)}; ` +
            `retained growth ${megabytes(growth)} (${(growth / LOADS).toFixed(0)} bytes/load); ` +
            `${((seconds * 1000) / (WARM_UP + LOADS)).toFixed(2)} ms/load, ${seconds.toFixed(1)} s`;
          t.diagnostic(figures);
          console.log(figures);
          assert.ok(growth < BOUND, `retained heap grew by ${megabytes(growth)} over ${LOADS} loads`);
        },
      );
    }
  });
}
