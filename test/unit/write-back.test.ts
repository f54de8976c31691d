/**
 * A state holder's migration runs on copies that keep the state's functions
 * (copy-keeping-functions.ts), and its result is written back into the running objects
 * (write-back.ts): what else refers to them, closures made for them and their #private fields
 * stay as they were, with the converted fields.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { copyKeepingFunctions, type Originals } from '../../runtime-agent/src/processes/copy-keeping-functions';
import { copyState } from '../../runtime-agent/src/processes/migration';
import { writtenBack } from '../../runtime-agent/src/processes/write-back';

class Order {
  status = 'placed';
  #secret = 's3';
  publish?: (event: string) => string;
  constructor(readonly id: string) {}
  secret(): string {
    return this.#secret;
  }
}

/** An order as an event publisher leaves it: a closure made for this very object. */
function published(id: string): Order {
  const order = new Order(id);
  order.publish = (event) => `${event} of ${order.id}`;
  return order;
}

describe('copyKeepingFunctions', () => {
  test('data copied with its classes, functions and handles shared, each copy recorded with its original', () => {
    const order = published('o1');
    const cache = new WeakMap();
    const live = { orders: new Map([['o1', order]]), seen: new Set([order]), at: new Date(5), cache, self: {} };
    live.self = live;
    const originals: Originals = new Map();
    const copy = copyKeepingFunctions(live, originals) as typeof live;
    const copied = copy.orders.get('o1')!;
    assert.notEqual(copied, order);
    assert.ok(copied instanceof Order);
    assert.equal(copied.publish, order.publish, 'the same function');
    assert.equal([...copy.seen][0], copied, 'one copy of one object');
    assert.equal(copy.self, copy);
    assert.deepEqual(copy.at, new Date(5));
    assert.notEqual(copy.at, live.at);
    assert.equal(copy.cache, cache);
    assert.equal(originals.get(copied), order);
    assert.equal(originals.get(copy), live);
    copied.status = 'shipped';
    assert.equal(order.status, 'placed', 'writes to the copy never reach the live state');
  });

  test('copyState keeps functions only where the caller writes back (a server state refuses them)', () => {
    assert.throws(() => copyState({ order: published('o1') }), /state\.order\.publish is a function/);
    const originals: Originals = new Map();
    const copy = copyState({ order: published('o1') }, 'state', originals) as { order: Order };
    assert.equal(copy.order.publish!('placed'), 'placed of o1');
    assert.ok(originals.size >= 2);
  });
});

describe('writtenBack', () => {
  test("copies in the result become their originals, with the copies' fields", () => {
    const order = published('o1');
    const index = new Map([['o1', order]]);
    const originals: Originals = new Map();
    const copy = copyState(new Map(index), 'orders', originals) as Map<string, Order>;
    // As a generated stub converts: each instance given its new fields.
    const result = new Map([...copy].map(([key, item]) => [key, Object.assign(item, { notes: [] as string[] })]));
    const written = writtenBack({ orders: result }, originals) as { orders: Map<string, Order & { notes: string[] }> };
    const after = written.orders.get('o1')!;
    assert.equal(after, order, 'the running order itself');
    assert.deepEqual(after.notes, []);
    assert.equal((index.get('o1') as typeof after).notes, after.notes, 'what else refers to it sees the new field');
    assert.equal(after.publish!('shipped'), 'shipped of o1', 'its closure still made for it');
    assert.equal(after.secret(), 's3', 'its #private field kept');
  });

  test('fields taken out are deleted, new ones defined, containers rewritten in place', () => {
    const todos = [{ id: 1, title: 'a', old: true }];
    const originals: Originals = new Map();
    const copy = copyState(todos, 'todos', originals) as Array<Record<string, unknown>>;
    for (const todo of copy) {
      delete todo.old;
      todo.done = false;
    }
    const written = writtenBack(copy, originals);
    assert.equal(written, todos, 'the running array');
    assert.deepEqual(todos, [{ id: 1, title: 'a', done: false }]);

    // Longer than a call takes arguments.
    const samples = Array.from({ length: 300_000 }, (_, i) => i);
    const longOriginals: Originals = new Map();
    const longCopy = copyState(samples, 'samples', longOriginals) as number[];
    longCopy.push(-1);
    assert.equal(writtenBack(longCopy, longOriginals), samples);
    assert.equal(samples.length, 300_001);
  });

  test('a frozen original, or one whose class the codeChange changed, is replaced by its copy', () => {
    const frozen = Object.freeze({ n: 1 });
    const originals: Originals = new Map();
    const copy = copyState({ frozen }, 'state', originals) as { frozen: { n: number } };
    copy.frozen.n = 2;
    const written = writtenBack(copy, originals) as { frozen: { n: number } };
    assert.notEqual(written.frozen, frozen);
    assert.equal(written.frozen.n, 2);
    assert.equal(frozen.n, 1);
  });

  test('with no copies read, the result is written as it is', () => {
    const result = { count: 3 };
    assert.equal(writtenBack(result, new Map()), result);
  });
});
