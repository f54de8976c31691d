import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorLocation } from '../../extension/src/shared/error-location';

test('a load error from the agent: the edited file, line and column', () => {
  const message =
    'Hotpatch: counter-app (pid 4242) /home/ann/app/src/greeting.ts:4:7: top level threw: not yet; not loaded';
  assert.deepEqual(errorLocation(message), {
    file: '/home/ann/app/src/greeting.ts',
    line: 4,
    column: 7,
    span: '/home/ann/app/src/greeting.ts:4:7',
  });
});

test('a line without a column, and the module kinds the agent loads', () => {
  assert.deepEqual(errorLocation('failed at /srv/a.mjs:12 during evaluation'), {
    file: '/srv/a.mjs',
    line: 12,
    column: undefined,
    span: '/srv/a.mjs:12',
  });
  for (const ext of ['js', 'cjs', 'mjs', 'ts', 'cts', 'mts', 'tsx', 'jsx']) {
    assert.equal(errorLocation(`x /p/m.${ext}:1:1`)?.file, `/p/m.${ext}`, ext);
  }
});

test('a Windows path', () => {
  assert.deepEqual(errorLocation('C:\\work\\app\\src\\visits.ts:3:1: syntax error'), {
    file: 'C:\\work\\app\\src\\visits.ts',
    line: 3,
    column: 1,
    span: 'C:\\work\\app\\src\\visits.ts:3:1',
  });
});

test('no location: a message without a file and line, or a file that is not a module', () => {
  assert.equal(errorLocation('Hotpatch: no connected agent with pid 12'), undefined);
  assert.equal(errorLocation('see /etc/hosts:3'), undefined);
  assert.equal(errorLocation('relative src/greeting.ts:4:7 is not a place to open'), undefined);
});
