/**
 * The copy a codeChange runs on (runtime-agent/src/processes/migration.ts): the same data and
 * the same classes as the live state, never the live state itself; and the results that can
 * never be a state refused with a message that says why.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  copyState,
  MigrationRefused,
  runCodeChange,
  UncopyableState,
} from '../../runtime-agent/src/processes/migration';
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

  test('a state holding a function cannot be copied: it throws, naming where the function is', () => {
    assert.throws(() => copyState({ onTick: () => 1 }), {
      name: 'Error',
      message: 'state.onTick is a function (onTick), which a copy cannot carry',
    });
  });

  test('the path to a function goes through maps, arrays and sets, and names the nearest one', () => {
    // As @nestjs/cqrs's EventPublisher leaves an aggregate: an arrow function set on it.
    const order = new Cart(['a']) as Cart & { publish?: unknown };
    order.publish = (
      () => () =>
        undefined
    )();
    const orders = new Map([
      ['o1', new Cart([])],
      ['o2', order],
    ]);
    assert.throws(
      () => copyState(orders, 'orders'),
      (error: unknown) => {
        assert.ok(error instanceof UncopyableState);
        assert.equal(error.message, 'orders.get("o2").publish is a function, which a copy cannot carry');
        assert.equal(error.found?.path, 'orders.get("o2").publish');
        return true;
      },
    );
    assert.throws(() => copyState({ lists: [[1], [2, { 'on-done': () => 1 }]] }, 'jobs'), {
      message: /^jobs\.lists\[1\]\[1\]\["on-done"\] is a function/,
    });
    assert.throws(() => copyState({ tags: new Set(['a', Symbol('b')]) }), {
      message: /^\[\.\.\.state\.tags\]\[1\] is a symbol \(Symbol\(b\)\)/,
    });
    const deep = { a: { b: { c: { f: () => 1 } } }, g: () => 2 };
    assert.throws(() => copyState(deep, 'held'), { message: /^held\.g is a function \(g\)/ }, 'breadth first');
  });

  test("a state that cannot be copied for another reason keeps structuredClone's", () => {
    assert.throws(
      () => copyState({ cache: new WeakMap() }),
      (error: unknown) => {
        assert.ok(error instanceof UncopyableState);
        assert.equal(error.found, undefined);
        assert.match(error.message, /could not be cloned/);
        return true;
      },
    );
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
