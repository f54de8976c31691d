/**
 * The copy a codeChange runs on (runtime-agent/src/processes/migration.ts): the same data and
 * the same classes as the live state, never the live state itself; and the results that can
 * never be a state refused with a message that says why.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { copyState, MigrationRefused, runCodeChange } from '../../runtime-agent/src/processes/migration';
import type { AnySpec } from '../../runtime-agent/src/processes/define-server';

class Cart {
  constructor(public items: string[]) {}
  get size(): number {
    return this.items.length;
  }
}
class Line extends Error {}

describe('copyState', () => {
  test('class instances keep their class, nested in objects, arrays, maps and sets', () => {
    const live = {
      cart: new Cart(['a']),
      carts: [new Cart(['b', 'c'])],
      byUser: new Map([['ann', new Cart([])]]),
      seen: new Set([new Cart(['d'])]),
      error: new Line('x'),
    };
    const copy = copyState(live) as typeof live;
    assert.notEqual(copy, live);
    assert.notEqual(copy.cart, live.cart);
    assert.ok(copy.cart instanceof Cart);
    assert.equal(copy.cart.size, 1);
    assert.ok(copy.carts[0] instanceof Cart);
    assert.ok(copy.byUser.get('ann') instanceof Cart);
    assert.ok([...copy.seen][0] instanceof Cart);
    assert.ok(copy.error instanceof Line);
    copy.cart.items.push('z');
    assert.deepEqual(live.cart.items, ['a'], 'writes to the copy never reach the live state');
  });

  test('cycles and shared references are kept', () => {
    const shared = new Cart([]);
    const live: Record<string, unknown> = { a: shared, b: shared };
    live.self = live;
    const copy = copyState(live) as Record<string, unknown>;
    assert.equal(copy.self, copy);
    assert.equal(copy.a, copy.b);
    assert.ok(copy.a instanceof Cart);
  });

  test('a state holding a function cannot be copied: it throws', () => {
    assert.throws(() => copyState({ onTick: () => 1 }), /could not be cloned/);
  });
});

describe('runCodeChange', () => {
  const spec = (codeChange: AnySpec['codeChange']): AnySpec => ({ init: () => 0, codeChange }) as AnySpec;
  const live = { count: 1 };
  const copy = () => copyState(live);

  test('without a codeChange the live state itself is kept (nothing copies it)', () => {
    assert.equal(
      runCodeChange({ init: () => 0 } as AnySpec, '1', live, () => assert.fail('copied'), undefined),
      live,
    );
  });

  test('undefined is refused', () => {
    assert.throws(
      () =>
        runCodeChange(
          spec(() => undefined),
          '1',
          live,
          copy,
          undefined,
        ),
      (error: unknown) => error instanceof MigrationRefused && /^codeChange returned undefined/.test(error.message),
    );
  });

  test('a promise is refused, and its rejection handled', () => {
    let handled = false;
    // What an async codeChange returns, as far as the agent can tell: something with a then.
    const rejected = {
      then(_resolve: unknown, reject?: unknown) {
        if (typeof reject === 'function') handled = true;
      },
    };
    assert.throws(
      () =>
        runCodeChange(
          spec(() => rejected),
          '1',
          live,
          copy,
          undefined,
        ),
      /synchronously/,
    );
    assert.ok(handled, 'a rejection handler was attached');
  });
});
