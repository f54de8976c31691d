/** checkShape: does a (migrated) state fit the shape derived from its State type? First mismatch, with its path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import type { StateShape } from '../../runtime-agent/src/protocol';
import { checkShape } from '../../runtime-agent/src/processes/state-shape';

const number: StateShape = { type: 'number' };
const string: StateShape = { type: 'string' };

/** Asserts that every value fits. */
function fits(shape: StateShape, ...values: unknown[]): void {
  for (const value of values) assert.equal(checkShape(value, shape), undefined, `${inspect(value)} fits`);
}

test('unknown accepts anything', () => {
  fits({ type: 'unknown' }, undefined, null, 0, 'x', {}, [], new Map(), () => 1, Symbol('s'), 1n);
});

test('primitive types, and what was found instead', () => {
  fits(string, '', 'x');
  fits(number, 0, -1.5, NaN, Infinity);
  fits({ type: 'boolean' }, true, false);
  fits({ type: 'bigint' }, 0n, 10n ** 30n);
  fits({ type: 'undefined' }, undefined);

  assert.equal(checkShape('x', number), 'state: expected number, found string "x"');
  assert.equal(checkShape(5, string), 'state: expected string, found number 5');
  assert.equal(checkShape(null, { type: 'boolean' }), 'state: expected boolean, found null');
  assert.equal(checkShape(5, { type: 'bigint' }), 'state: expected bigint, found number 5');
  assert.equal(checkShape(5n, number), 'state: expected number, found bigint 5');
  assert.equal(checkShape(0, { type: 'undefined' }), 'state: expected undefined, found number 0');
  assert.equal(checkShape(true, number), 'state: expected number, found boolean true');
  assert.equal(checkShape(Symbol('s'), number), 'state: expected number, found symbol Symbol(s)');
  assert.equal(checkShape({}, number), 'state: expected number, found an object');
  assert.equal(checkShape([1], number), 'state: expected number, found an array');
  assert.equal(checkShape(new Map(), number), 'state: expected number, found a Map');
  assert.equal(checkShape(new Set(), number), 'state: expected number, found a Set');
  assert.equal(checkShape(new Date(0), number), 'state: expected number, found a Date');
});

test('undefined and functions are described plainly', () => {
  assert.equal(checkShape(undefined, number), 'state: expected number, found undefined');
  function handler(): number {
    return 1 + 1;
  }
  assert.equal(checkShape(handler, number), 'state: expected number, found function handler');
  assert.equal(checkShape([() => 1][0], string), 'state: expected string, found function (anonymous)');
});

test('long strings are cut at 40 characters', () => {
  const long = 'a'.repeat(41);
  assert.equal(checkShape(long, number), `state: expected number, found string "${'a'.repeat(40)}…"`);
  assert.equal(checkShape('a'.repeat(40), number), `state: expected number, found string "${'a'.repeat(40)}"`);
  assert.equal(checkShape('say "hi"', number), 'state: expected number, found string "say \\"hi\\""');
});

test('null', () => {
  fits({ type: 'null' }, null);
  assert.equal(checkShape(undefined, { type: 'null' }), 'state: expected null, found undefined');
  assert.equal(checkShape(0, { type: 'null' }), 'state: expected null, found number 0');
});

test('literals of each kind', () => {
  fits({ type: 'literal', value: 'on' }, 'on');
  fits({ type: 'literal', value: 1 }, 1);
  fits({ type: 'literal', value: false }, false);
  assert.equal(checkShape('off', { type: 'literal', value: 'on' }), 'state: expected "on", found string "off"');
  assert.equal(checkShape(2, { type: 'literal', value: 1 }), 'state: expected 1, found number 2');
  assert.equal(checkShape('1', { type: 'literal', value: 1 }), 'state: expected 1, found string "1"');
  assert.equal(checkShape(true, { type: 'literal', value: false }), 'state: expected false, found boolean true');
});

test('Date', () => {
  fits({ type: 'date' }, new Date(), new Date('invalid'));
  assert.equal(
    checkShape('2024-01-01T00:00:00.000Z', { type: 'date' }),
    'state: expected Date, found string "2024-01-01T00:00:00.000Z"',
  );
  assert.equal(checkShape(0, { type: 'date' }), 'state: expected Date, found number 0');
});

test('arrays: every element, first mismatch by index', () => {
  const shape: StateShape = {
    type: 'object',
    properties: { history: { shape: { type: 'array', element: number } } },
  };
  fits(shape, { history: [] }, { history: [1, 2, 3] });
  assert.equal(checkShape({ history: [1, 2, 'x', 'y'] }, shape), 'state.history[2]: expected number, found string "x"');
  assert.equal(checkShape({ history: 'none' }, shape), 'state.history: expected an array, found string "none"');
  assert.equal(checkShape({ history: { 0: 1 } }, shape), 'state.history: expected an array, found an object');
  assert.equal(checkShape({ history: new Set([1]) }, shape), 'state.history: expected an array, found a Set');
  assert.equal(
    checkShape([[1], [2, 'b']], { type: 'array', element: { type: 'array', element: number } }),
    'state[1][1]: expected number, found string "b"',
  );
});

test('tuples: length, then each element', () => {
  const pair: StateShape = { type: 'tuple', elements: [number, string] };
  fits(pair, [1, 'a']);
  fits({ type: 'tuple', elements: [] }, []);
  assert.equal(checkShape([1, 2], pair), 'state[1]: expected string, found number 2');
  assert.equal(checkShape(['a', 'b'], pair), 'state[0]: expected number, found string "a"');
  assert.equal(checkShape([1], pair), 'state: expected a tuple of 2, found an array');
  assert.equal(checkShape([1, 'a', 'extra'], pair), 'state: expected a tuple of 2, found an array');
  assert.equal(checkShape('1a', pair), 'state: expected a tuple of 2, found string "1a"');
});

test('sets: every item', () => {
  const shape: StateShape = { type: 'object', properties: { tags: { shape: { type: 'set', element: string } } } };
  fits(shape, { tags: new Set() }, { tags: new Set(['a', 'b']) });
  assert.equal(checkShape({ tags: new Set(['a', 3]) }, shape), 'state.tags.<item>: expected string, found number 3');
  assert.equal(checkShape({ tags: ['a'] }, shape), 'state.tags: expected a Set, found an array');
  assert.equal(checkShape({ tags: new Map() }, shape), 'state.tags: expected a Set, found a Map');
});

test('maps: every key, then every value by key', () => {
  const shape: StateShape = {
    type: 'object',
    properties: { scores: { shape: { type: 'map', key: string, value: number } } },
  };
  fits(shape, { scores: new Map() }, { scores: new Map([['ann', 1]]) });
  assert.equal(
    checkShape(
      {
        scores: new Map<unknown, unknown>([
          ['ann', 1],
          [2, 2],
        ]),
      },
      shape,
    ),
    'state.scores.<key>: expected string, found number 2',
  );
  assert.equal(
    checkShape(
      {
        scores: new Map<string, unknown>([
          ['ann', 1],
          ['bob', 'high'],
        ]),
      },
      shape,
    ),
    'state.scores.get(bob): expected number, found string "high"',
  );
  assert.equal(checkShape({ scores: { ann: 1 } }, shape), 'state.scores: expected a Map, found an object');
  assert.equal(checkShape({ scores: null }, shape), 'state.scores: expected a Map, found null');
});

test('a Map key that cannot become a string does not abort the check', () => {
  const shape: StateShape = { type: 'map', key: { type: 'unknown' }, value: number };
  const bare = Object.create(null) as object;
  fits(shape, new Map([[bare, 1]]));
  assert.equal(checkShape(new Map([[bare, 'x']]), shape), 'state.get(an object): expected number, found string "x"');
  assert.equal(
    checkShape(new Map([[{ id: 1 }, 'x']]), shape),
    'state.get([object Object]): expected number, found string "x"',
  );
});

test('unions: any option fits; otherwise the first option says why', () => {
  const maybe: StateShape = { type: 'union', options: [number, { type: 'null' }] };
  fits(maybe, 1, null);
  assert.equal(checkShape('x', maybe), 'state: expected number, found string "x"');
  const status: StateShape = {
    type: 'union',
    options: [
      { type: 'literal', value: 'idle' },
      { type: 'literal', value: 'busy' },
    ],
  };
  fits(status, 'idle', 'busy');
  assert.equal(checkShape('done', status), 'state: expected "idle", found string "done"');
  assert.equal(checkShape(1, { type: 'union', options: [] }), 'state: matches no option');
  const nested: StateShape = {
    type: 'object',
    properties: { value: { shape: { type: 'union', options: [string, { type: 'array', element: number }] } } },
  };
  fits(nested, { value: 'a' }, { value: [1, 2] });
  assert.equal(checkShape({ value: [1, 'two'] }, nested), 'state.value: expected string, found an array');
});

test('objects: required properties in order, nested paths, extra properties allowed', () => {
  const shape: StateShape = {
    type: 'object',
    properties: {
      count: { shape: number },
      user: {
        shape: {
          type: 'object',
          properties: {
            name: { shape: string },
            address: { shape: { type: 'object', properties: { zip: { shape: string } } } },
          },
        },
      },
    },
  };
  const good = { count: 1, user: { name: 'ann', address: { zip: '12345' } } };
  fits(shape, good, { ...good, extra: 'kept' });
  assert.equal(checkShape({ user: good.user }, shape), 'state.count: missing');
  assert.equal(checkShape({ ...good, count: undefined }, shape), 'state.count: expected number, found undefined');
  assert.equal(
    checkShape({ count: 1, user: { name: 'ann', address: { zip: 12345 } } }, shape),
    'state.user.address.zip: expected string, found number 12345',
  );
  assert.equal(checkShape({ count: 'one', user: {} }, shape), 'state.count: expected number, found string "one"');
  assert.equal(checkShape({ count: 1, user: { name: 'ann' } }, shape), 'state.user.address: missing');
  assert.equal(checkShape(null, shape), 'state: expected an object, found null');
  assert.equal(checkShape([good], shape), 'state: expected an object, found an array');
  assert.equal(checkShape('state', shape), 'state: expected an object, found string "state"');
  assert.equal(checkShape(undefined, shape), 'state: expected an object, found undefined');
});

test('optional properties may be missing or undefined, but not of another type', () => {
  const shape: StateShape = {
    type: 'object',
    properties: { id: { shape: number }, note: { shape: string, optional: true } },
  };
  fits(shape, { id: 1 }, { id: 1, note: undefined }, { id: 1, note: 'hi' });
  assert.equal(checkShape({ id: 1, note: 5 }, shape), 'state.note: expected string, found number 5');
  assert.equal(checkShape({ id: 1, note: null }, shape), 'state.note: expected string, found null');
  assert.equal(checkShape({ note: 'hi' }, shape), 'state.id: missing');
});

test('index signatures check every other key; declared properties keep their own shape', () => {
  const counts: StateShape = {
    type: 'object',
    properties: { total: { shape: string } },
    index: number,
  };
  fits(counts, { total: 'sum' }, { total: 'sum', ann: 1, bob: 2 });
  assert.equal(
    checkShape({ total: 'sum', ann: 1, bob: 'many' }, counts),
    'state.bob: expected number, found string "many"',
  );
  assert.equal(checkShape({ total: 3 }, counts), 'state.total: expected string, found number 3');
  const record: StateShape = { type: 'object', properties: {}, index: { type: 'array', element: string } };
  fits(record, {}, { a: [], b: ['x'] });
  assert.equal(checkShape({ a: ['x', 1] }, record), 'state.a[1]: expected string, found number 1');
});

test("index signatures check keys that are also Object.prototype's names", () => {
  const counts: StateShape = { type: 'object', properties: {}, index: number };
  // User data as keys: a word count or a registry may well hold 'constructor' or 'toString'.
  assert.equal(checkShape({ constructor: 'x' }, counts), 'state.constructor: expected number, found string "x"');
  assert.equal(checkShape({ toString: 'x' }, counts), 'state.toString: expected number, found string "x"');
  fits(counts, { constructor: 1, toString: 2, hasOwnProperty: 3 });
});

test('class instances fit object shapes, prototype getters included', () => {
  class Account {
    balance = 10;
    get doubled(): number {
      return this.balance * 2;
    }
  }
  const shape: StateShape = {
    type: 'object',
    properties: { balance: { shape: number }, doubled: { shape: number } },
  };
  fits(shape, new Account());
  const wrong: StateShape = { type: 'object', properties: { doubled: { shape: string } } };
  assert.equal(checkShape(new Account(), wrong), 'state.doubled: expected string, found number 20');
});

test('paths go through maps, arrays and objects; the root name can be chosen', () => {
  const shape: StateShape = {
    type: 'object',
    properties: {
      rooms: {
        shape: {
          type: 'map',
          key: string,
          value: { type: 'object', properties: { members: { shape: { type: 'array', element: string } } } },
        },
      },
    },
  };
  const state = { rooms: new Map([['lobby', { members: ['ann', null] }]]) };
  assert.equal(checkShape(state, shape), 'state.rooms.get(lobby).members[1]: expected string, found null');
  assert.equal(
    checkShape(state, shape, 'migrated'),
    'migrated.rooms.get(lobby).members[1]: expected string, found null',
  );
  assert.equal(checkShape({ rooms: new Map([['lobby', { members: ['ann'] }]]) }, shape), undefined);
});
