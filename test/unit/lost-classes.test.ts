/**
 * A codeChange result that turned the running state's class instances into plain objects is
 * found, and where (runtime-agent/src/processes/lost-classes.ts): the load is then refused
 * instead of committing objects whose methods are gone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lostClass } from '../../runtime-agent/src/processes/lost-classes';

class Order {
  constructor(
    readonly id: string,
    readonly total: number,
  ) {}
  summary(): string {
    return `${this.id}: ${this.total}`;
  }
}

describe('lostClass', () => {
  test('a map value, an array element and a field that became plain objects are named', () => {
    const orders = new Map([['o1', new Order('o1', 5)]]);
    assert.equal(
      lostClass(orders, new Map([['o1', { ...orders.get('o1')!, notes: [] }]]), 'orders'),
      'orders.get("o1") as a plain object where the running state holds an instance of Order: its methods would be gone',
    );
    assert.match(lostClass([new Order('a', 1)], [{ id: 'a', total: 1 }], 'list') ?? '', /^list\[0\] as a plain object/);
    assert.match(
      lostClass({ latest: new Order('a', 1) }, { latest: { id: 'a' } }, 'state') ?? '',
      /^state\.latest as a plain object .* instance of Order/,
    );
  });

  test('instances kept, new values, and what was plain or built in are not', () => {
    const order = new Order('o1', 5);
    assert.equal(
      lostClass(new Map([['o1', order]]), new Map([['o1', Object.assign(order, { notes: [] })]]), 'orders'),
      undefined,
    );
    assert.equal(
      lostClass(new Map([['o1', order]]), new Map([['o2', { id: 'o2' }]]), 'orders'),
      undefined,
      'a new key',
    );
    assert.equal(lostClass([{ id: 1 }], [{ id: 1, done: false }], 'todos'), undefined, 'plain before');
    assert.equal(lostClass({ at: new Date(0), tags: new Set(['a']) }, { at: {}, tags: {} }, 'state'), undefined);
    assert.equal(lostClass(order, order, 'order'), undefined);
    // More entries than a call takes arguments.
    const many = new Map(Array.from({ length: 300_000 }, (_, i) => [i, i] as const));
    assert.equal(lostClass(many, new Map(many), 'counts'), undefined);
  });
});
