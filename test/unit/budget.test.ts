/**
 * Time budgets (runtime-agent/src/code-server/budget.ts): code cut off by vm's watchdog however
 * deep the loop, errors passed through untouched, and a batch that names the item it stopped.
 * Loops that never end are what is cut off, so nothing here depends on how fast the machine is.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BudgetExceeded, runEachWithinBudget, runWithinBudget } from '../../runtime-agent/src/code-server/budget';
import { printable } from '../../extension/src/cli/terminal';

const spin = (): never => {
  for (;;) {
    // never yields
  }
};

describe('runWithinBudget', () => {
  test('returns what the code returns; 0 means no budget', () => {
    assert.equal(
      runWithinBudget(() => 42, 1000),
      42,
    );
    assert.equal(
      runWithinBudget(() => 'unbudgeted', 0),
      'unbudgeted',
    );
  });

  test('cuts off a loop in a function the code calls, and the thread runs on', () => {
    const nested = () => [1, 2, 3].map(() => spin());
    assert.throws(
      () => runWithinBudget(nested, 50),
      (e: unknown) => e instanceof BudgetExceeded && e.budgetMs === 50,
    );
    // A roomy budget: on a loaded machine the thread can be off the CPU for 50 ms in a trivial call.
    assert.equal(
      runWithinBudget(() => 'after', 5000),
      'after',
    );
  });

  test('an error the code throws passes through as it is', () => {
    const error = new TypeError('mine');
    assert.throws(
      () =>
        runWithinBudget(() => {
          throw error;
        }, 1000),
      (e: unknown) => e === error,
    );
  });
});

describe('runEachWithinBudget', () => {
  test('runs every item within one call when there is time, and says where to go on', () => {
    const seen: number[] = [];
    assert.equal(
      runEachWithinBudget([0, 1, 2, 3], 1, 2, 1000, (n) => seen.push(n)),
      3,
    );
    assert.deepEqual(seen, [1, 2]);
  });

  test('names the item that was running when it was cut off; the ones before it ran', () => {
    const seen: number[] = [];
    assert.throws(
      () => runEachWithinBudget([0, 1, 2, 3, 4], 0, 5, 30, (n) => (n === 3 ? spin() : seen.push(n))),
      (e: unknown) => e instanceof BudgetExceeded && e.item === 3 && e.budgetMs === 30,
    );
    assert.deepEqual(seen, [0, 1, 2]);
  });
});

describe('printable (the CLI)', () => {
  test('escapes control characters, C1 and bidi overrides; keeps newlines, tabs and other text', () => {
    assert.equal(printable('a\x1b[2Jb\x07c\x9b1m\u202ed'), 'a\\u001b[2Jb\\u0007c\\u009b1m\\u202ed');
    assert.equal(printable('line\n\tnext ✓ é 🙂'), 'line\n\tnext ✓ é 🙂');
  });
});
