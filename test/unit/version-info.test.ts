/**
 * A version's info (runtime-agent/src/code-server/module-version.ts): its hash is made when
 * first read, not as the app loads the module, and is the one the editor computes for the same
 * code (read-ahead and the state analysis compare the two to know what runs).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeHash } from '../../extension/src/engine/targets';
import { versionInfo } from '../../runtime-agent/src/code-server/module-version';

const code = 'exports.greet = (name) => `hello, ${name}`;\n';

test("a version's hash and default vsn are the editor's hash of its code, in JSON", () => {
  const info = versionInfo({ greet: () => 'hi' }, code, 1, 'startup');
  assert.equal(info.hash, codeHash(code));
  assert.equal(info.vsn, codeHash(code));
  const sent = JSON.parse(JSON.stringify(info)) as Record<string, unknown>;
  assert.deepEqual(sent, {
    vsn: codeHash(code),
    seq: 1,
    loadedAt: info.loadedAt,
    origin: 'startup',
    hash: codeHash(code),
  });
  info.loadedAt = '2026-12-03T10:00:00.000Z';
  assert.equal((JSON.parse(JSON.stringify(info)) as { loadedAt: string }).loadedAt, '2026-12-03T10:00:00.000Z');
});

test("a vsn the module declares is its vsn; the hash stays the code's", () => {
  const info = versionInfo({ vsn: 7 }, code, 2, 'editor');
  assert.equal(info.vsn, '7');
  assert.equal(info.hash, codeHash(code));
  assert.notEqual(versionInfo({}, `${code}// edited\n`, 3, 'cli').hash, info.hash);
});
