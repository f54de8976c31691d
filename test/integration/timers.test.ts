/**
 * Side effects are owned by the statement that started them: a load that changes the
 * statement starting a timer stops the old timer and starts the new one, so loading never
 * duplicates an interval; a load that leaves the statement alone leaves its timer running
 * (modules load statement by statement, CommonJS and ES modules alike). A version whose top
 * level throws leaves nothing running and the current one serving.
 *
 * The fixture's `ticker` module records every version's interval and timeout handles in a
 * global registry, and the app's /timers endpoint reports which handles are still scheduled
 * (Node marks a cleared Timeout `_destroyed`) and how often each interval fired.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AgentClient } from 'hotpatch-extension/engine';
import { AgentErrorCode } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { nodeRuntimes } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

interface TimerReport {
  vsn: string;
  ticks: number;
  disposed: number;
  interval: boolean;
  timeout: boolean;
}

/**
 * A version of the ticker module, as CommonJS or as an ES module. Its vsn is in every
 * statement that starts something, so each load changes (and runs) them.
 */
function tickerModule(
  kind: 'cjs' | 'esm',
  vsn: string,
  options: { throwAfterStart?: boolean; timers?: string } = {},
): string {
  const timers = JSON.stringify(options.timers ?? vsn);
  return [
    `const registry = (globalThis.timerRegistry ??= { versions: [] });`,
    // One statement makes and registers the entry: an unchanged `push` would not run again.
    `const entry = registry.versions[registry.versions.push({ vsn: ${JSON.stringify(vsn)}, ticks: 0, disposed: 0 }) - 1];`,
    `entry.interval = setInterval((from) => entry.ticks++, 5, ${timers});`,
    `entry.timeout = setTimeout((from) => {}, 3_600_000, ${timers});`,
    options.throwAfterStart ? `throw new Error('top level of ${vsn} failed after starting its timers');` : '',
    kind === 'cjs' ? `exports.vsn = ${JSON.stringify(vsn)};` : `export const vsn = ${JSON.stringify(vsn)};`,
  ].join('\n');
}

const apps = {
  cjs: { fixture: 'timers-cjs', ticker: 'ticker.js' },
  esm: { fixture: 'timers-esm', ticker: 'ticker.mjs' },
} as const;

for (const runtime of nodeRuntimes()) {
  for (const kind of ['cjs', 'esm'] as const) {
    describe(`node ${runtime.major} ${kind}: timers started by a version`, () => {
      let app: App;
      let client: AgentClient;
      let ticker: string;
      const report = async (): Promise<TimerReport[]> => JSON.parse(await app.get('/timers')) as TimerReport[];
      const entry = (all: TimerReport[], vsn: string): TimerReport => {
        const found = all.find((v) => v.vsn === vsn);
        assert.ok(found, `version ${vsn} ran its top level: ${JSON.stringify(all.map((v) => v.vsn))}`);
        return found;
      };
      const load = async (code: string): Promise<void> => {
        const result = await client.load({ file: ticker, code, origin: 'protocol' });
        assert.equal(result.report.mode, 'patched');
        assert.deepEqual(result.warnings, []);
      };

      /**
       * Exactly one interval and one timeout are scheduled, both `vsn`'s, and only that
       * interval fires: while it ticks five more times, no other version's count moves.
       */
      const assertOnlyRunning = async (vsn: string): Promise<void> => {
        const first = await report();
        assert.deepEqual(
          first.filter((v) => v.interval).map((v) => v.vsn),
          [vsn],
          'versions with a live interval',
        );
        assert.deepEqual(
          first.filter((v) => v.timeout).map((v) => v.vsn),
          [vsn],
          'versions with a live timeout',
        );
        const start = entry(first, vsn).ticks;
        const later = await waitFor(`version ${vsn}'s interval to fire`, async () => {
          const now = await report();
          return entry(now, vsn).ticks >= start + 5 ? now : undefined;
        });
        for (const v of later) {
          if (v.vsn !== vsn) assert.equal(v.ticks, entry(first, v.vsn).ticks, `version ${v.vsn}'s interval fired`);
        }
      };

      before(async () => {
        app = await App.start(kind, { runtime, fixture: apps[kind].fixture });
        client = await app.connect();
        ticker = app.file(apps[kind].ticker);
      });
      after(async () => {
        client?.close();
        await app?.stop();
      });

      test('the startup version owns its top-level timers', async () => {
        await assertOnlyRunning('0');
      });

      test('100 loads leave exactly one interval and one timeout running', async () => {
        for (let n = 1; n <= 100; n++) await load(tickerModule(kind, String(n)));
        const all = await report();
        assert.equal(all.length, 101, 'the startup version and 100 loads each ran their top level once');
        await assertOnlyRunning('100');
      });

      test('a load that leaves the timer statements alone leaves their timers running', async () => {
        await load(tickerModule(kind, 'k1', { timers: 'kept' }));
        await load(tickerModule(kind, 'k2', { timers: 'kept' }));
        // The statements that started k1's timers did not change and did not run again: k1's
        // handles are still the only ones scheduled, and the interval's callback, which reads
        // the module's `entry`, now counts into k2's (the variable's new value).
        const all = await report();
        assert.deepEqual(
          all.filter((v) => v.interval).map((v) => v.vsn),
          ['k1'],
          'versions with a live interval',
        );
        assert.deepEqual(
          all.filter((v) => v.timeout).map((v) => v.vsn),
          ['k1'],
          'versions with a live timeout',
        );
        const start = entry(all, 'k2').ticks;
        await waitFor('the kept interval to count into the new entry', async () =>
          entry(await report(), 'k2').ticks >= start + 5 ? true : undefined,
        );
      });

      test('a version whose top level throws leaves no timer behind; the current one keeps running', async () => {
        await load(tickerModule(kind, 'e1'));
        await assert.rejects(load(tickerModule(kind, 'bad', { throwAfterStart: true })), (error: unknown) => {
          assert.equal((error as { code?: number }).code, AgentErrorCode.LoadFailed);
          assert.match((error as Error).message, /top level of bad failed after starting its timers/);
          return true;
        });
        const all = await report();
        const bad = entry(all, 'bad');
        assert.deepEqual([bad.interval, bad.timeout], [false, false], 'the failed version started timers');
        const listed = (await client.modules()).find((m) => m.file === ticker);
        assert.equal(listed?.current.vsn, 'e1');
        await assertOnlyRunning('e1');
      });
    });
  }
}
