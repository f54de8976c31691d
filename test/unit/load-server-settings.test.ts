/**
 * What the environment says of `hotpatch load`'s load server (extension/src/cli/load-server/
 * address.ts): on or off, for how long idle, and a value not understood named, never guessed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadServerSettings } from '../../extension/src/cli/load-server/address';

const onThisSystem = process.platform !== 'win32';

test('HOTPATCH_LOAD_SERVER turns the load server on or off; by default it is off where CI is set', () => {
  assert.equal(loadServerSettings({}).wanted, onThisSystem);
  assert.equal(loadServerSettings({ CI: 'true' }).wanted, false);
  for (const off of ['0', 'false', 'OFF', ' no '])
    assert.equal(loadServerSettings({ HOTPATCH_LOAD_SERVER: off }).wanted, false, off);
  for (const on of ['1', 'true', 'On', 'yes'])
    assert.equal(loadServerSettings({ HOTPATCH_LOAD_SERVER: on, CI: 'true' }).wanted, onThisSystem, on);
  assert.deepEqual(loadServerSettings({ HOTPATCH_LOAD_SERVER: '0' }).problems, []);
});

test('a value not understood is named, and the default used', () => {
  for (const value of ['maybe', 'constructor', '__proto__']) {
    const settings = loadServerSettings({ HOTPATCH_LOAD_SERVER: value, CI: '1' });
    assert.equal(settings.wanted, false, value);
    assert.deepEqual(settings.problems, [`HOTPATCH_LOAD_SERVER=${value} is not 0 or 1: the default is used`]);
  }
  assert.equal(loadServerSettings({ HOTPATCH_LOAD_SERVER_IDLE_MS: '2000' }).idleMs, 2000);
  assert.equal(loadServerSettings({}).idleMs, 15 * 60_000);
  for (const value of ['soon', '-5', '1.5', '0']) {
    const settings = loadServerSettings({ HOTPATCH_LOAD_SERVER_IDLE_MS: value });
    assert.equal(settings.idleMs, 15 * 60_000, value);
    assert.deepEqual(settings.problems, [
      `HOTPATCH_LOAD_SERVER_IDLE_MS=${value} is not a whole number of ms above 0: 15 min is used`,
    ]);
  }
});
