/** Which running statement a new one changed (changed-statements.ts), as a line diff pairs lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changedStatements } from '../../runtime-agent/src/code-server/live/changed-statements';

test('one statement changed between two kept ones, or at either end, is paired with the one it replaced', () => {
  // a b c → a B c
  assert.deepEqual(
    [
      ...changedStatements(
        new Map([
          [0, 0],
          [2, 2],
        ]),
        3,
        3,
      ),
    ],
    [[1, 1]],
  );
  // a b → B' b, and a b → a B'
  assert.deepEqual([...changedStatements(new Map([[1, 1]]), 2, 2)], [[0, 0]]);
  assert.deepEqual([...changedStatements(new Map([[0, 0]]), 2, 2)], [[1, 1]]);
  // a statement added above shifts the indexes: x a B c
  assert.deepEqual(
    [
      ...changedStatements(
        new Map([
          [0, 1],
          [2, 3],
        ]),
        3,
        4,
      ),
    ],
    [[2, 1]],
  );
});

test('where a gap holds more than one statement on either side, nothing is paired', () => {
  // a b c → a X Y c: which of X, Y changed b is not known
  assert.deepEqual(
    [
      ...changedStatements(
        new Map([
          [0, 0],
          [2, 3],
        ]),
        3,
        4,
      ),
    ],
    [],
  );
  // a b c d → a X d
  assert.deepEqual(
    [
      ...changedStatements(
        new Map([
          [0, 0],
          [3, 2],
        ]),
        4,
        3,
      ),
    ],
    [],
  );
  // a kept statement that moved is no anchor: a b c → c B a pairs nothing across it
  assert.deepEqual(
    [
      ...changedStatements(
        new Map([
          [0, 2],
          [2, 0],
        ]),
        3,
        3,
      ),
    ],
    [],
  );
});
