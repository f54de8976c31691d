import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoadFailure, evaluateVersion } from '../../runtime-agent/src/code-server/evaluate';

const file = '/tmp/hotpatch-unit/module.js';

test('a syntax error names the file and line', () => {
  assert.throws(
    () => evaluateVersion(file, 'exports.a = 1;\nexports.b = (;\n'),
    (error: unknown) => {
      assert.ok(error instanceof LoadFailure);
      assert.equal(error.data.kind, 'syntax');
      assert.equal(error.data.line, 2);
      assert.match(error.message, /^\/tmp\/hotpatch-unit\/module\.js:2:\d+: syntax error: /);
      return true;
    },
  );
});

test('a throwing top level names file, line and column', () => {
  assert.throws(
    () => evaluateVersion(file, '\n\n  throw new RangeError("no config");'),
    (error: unknown) => {
      assert.ok(error instanceof LoadFailure);
      assert.deepEqual([error.data.kind, error.data.line, error.data.column], ['evaluation', 3, 9]);
      assert.match(error.message, /module\.js:3:9: top level threw: no config/);
      return true;
    },
  );
});

test('a version evaluates as CommonJS with its own exports', () => {
  const { exports, timers } = evaluateVersion(file, 'exports.answer = 42;');
  assert.deepEqual({ ...(exports as object) }, { answer: 42 });
  assert.equal(timers.size, 0);
});
