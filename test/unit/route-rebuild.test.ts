/**
 * The statements a load runs again after its commits (route-rebuild.ts): a module committed
 * twice in one load (run again for two values of its exporter) finds the same statements of its
 * importers to run again each time, and they run once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LiveModule } from '../../runtime-agent/src/code-server/live';
import { distinctRebuilds, type RouteRebuild } from '../../runtime-agent/src/code-server/route-rebuild';

const rebuild = (owner: object, statements: object[], again: string): RouteRebuild => ({
  trigger: '/app/schema.js',
  cause: { again, failed: () => '', resolves: [] },
  owners: new Map([[owner as LiveModule, new Set(statements)]]),
});

test('rebuilds of the same statements for the same cause run once; another statement, module or cause is its own', () => {
  const app = {};
  const other = {};
  const [first, second] = [{}, {}];
  const rebuilds = [
    rebuild(app, [first], 'the new value of schema'),
    rebuild(app, [first], 'the new value of schema'),
    rebuild(app, [second], 'the new value of schema'),
    rebuild(other, [first], 'the new value of schema'),
    rebuild(app, [first], 'the new value of title'),
  ];
  assert.deepEqual(distinctRebuilds(rebuilds), [rebuilds[0], rebuilds[2], rebuilds[3], rebuilds[4]]);
});
