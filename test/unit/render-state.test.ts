/** renderState: a JSON-safe picture of a process's state that says what each value was. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderState, type Rendered } from '../../runtime-agent/src/processes/render-state';

/** The picture must survive the wire unchanged. */
function rendered(value: unknown, limits?: { depth: number; entries: number }): Rendered {
  const picture = limits ? renderState(value, limits) : renderState(value);
  assert.deepEqual(JSON.parse(JSON.stringify(picture)), picture, 'the rendering is plain JSON');
  return picture;
}

test('JSON values pass through unchanged', () => {
  const state = { name: 'ann', count: 3, ratio: -0.5, on: true, off: false, none: null, list: [1, 'two', [3]] };
  assert.deepEqual(rendered(state), state);
  assert.equal(rendered('just a string'), 'just a string');
  assert.equal(rendered(42), 42);
  assert.equal(rendered(null), null);
});

test('numbers JSON cannot carry: NaN, Infinity, -Infinity', () => {
  assert.deepEqual(rendered([NaN, Infinity, -Infinity, 1.5]), [
    { $number: 'NaN' },
    { $number: 'Infinity' },
    { $number: '-Infinity' },
    1.5,
  ]);
});

test('bigint, undefined and symbols', () => {
  assert.deepEqual(rendered(123456789012345678901234567890n), { $bigint: '123456789012345678901234567890' });
  assert.deepEqual(rendered(-5n), { $bigint: '-5' });
  assert.deepEqual(rendered(undefined), { $undefined: true });
  assert.deepEqual(rendered({ a: undefined, b: [undefined] }), { a: { $undefined: true }, b: [{ $undefined: true }] });
  assert.deepEqual(rendered([Symbol('tag'), Symbol()]), [{ $symbol: 'tag' }, { $symbol: '' }]);
});

test('a hole in a sparse array is undefined, not null', () => {
  // eslint-disable-next-line no-sparse-arrays
  assert.deepEqual(rendered([1, , 3]), [1, { $undefined: true }, 3]);
  assert.deepEqual(rendered(new Array(2)), [{ $undefined: true }, { $undefined: true }]);
});

test('functions by name, anonymous ones as (anonymous)', () => {
  function handler(): void {}
  const arrow = (): void => {};
  class Point {}
  assert.deepEqual(
    rendered({
      handler,
      arrow,
      Point,
      inline: [() => 1],
      method: {
        m() {
          return 1;
        },
      }.m,
    }),
    {
      handler: { $function: 'handler' },
      arrow: { $function: 'arrow' },
      Point: { $function: 'Point' },
      inline: [{ $function: '(anonymous)' }],
      method: { $function: 'm' },
    },
  );
});

test('Date, valid and invalid', () => {
  assert.deepEqual(rendered(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))), { $date: '2024-01-02T03:04:05.006Z' });
  assert.deepEqual(rendered(new Date('not a date')), { $date: 'Invalid Date' });
  assert.deepEqual(rendered({ at: new Date(0) }), { at: { $date: '1970-01-01T00:00:00.000Z' } });
});

test('Map as [key, value] pairs, Set as items, with any keys and values', () => {
  const map = new Map<unknown, unknown>([
    ['a', 1],
    [2, new Set(['x', 'y'])],
    [{ k: 1 }, [new Date(0)]],
    [undefined, 10n],
  ]);
  assert.deepEqual(rendered({ map }), {
    map: {
      $map: [
        ['a', 1],
        [2, { $set: ['x', 'y'] }],
        [{ k: 1 }, [{ $date: '1970-01-01T00:00:00.000Z' }]],
        [{ $undefined: true }, { $bigint: '10' }],
      ],
    },
  });
  assert.deepEqual(rendered(new Set()), { $set: [] });
  assert.deepEqual(rendered(new Map()), { $map: [] });
  assert.deepEqual(rendered(new Set([NaN, new Map([[1, 2]])])), { $set: [{ $number: 'NaN' }, { $map: [[1, 2]] }] });
});

test('class instances carry $class; plain and null-prototype objects do not', () => {
  class Point {
    constructor(
      public x: number,
      public y: number,
    ) {}
    get length(): number {
      return Math.hypot(this.x, this.y);
    }
  }
  class Point3 extends Point {
    z = 0;
    #secret = 'hidden';
    reveal(): string {
      return this.#secret;
    }
  }
  const bare = Object.create(null) as Record<string, unknown>;
  bare.k = 'v';
  const anonymous = new (class {
    v = 1;
  })();
  assert.deepEqual(rendered(new Point(3, 4)), { $class: 'Point', x: 3, y: 4 }, 'own data only, no getters');
  assert.deepEqual(rendered(new Point3(1, 2)), { $class: 'Point3', x: 1, y: 2, z: 0 }, 'no private fields');
  assert.deepEqual(rendered(bare), { k: 'v' });
  assert.deepEqual(rendered({ k: 'v' }), { k: 'v' });
  assert.deepEqual(rendered(anonymous), { v: 1 }, 'a class without a name adds nothing');
  assert.deepEqual(rendered({ points: [new Point(0, 1)] }), { points: [{ $class: 'Point', x: 0, y: 1 }] });
});

test('nested structures render all the way down', () => {
  const state = {
    users: new Map([['ann', { tags: new Set(['admin']), seen: [new Date(0)], score: 10n }]]),
    queue: [{ id: 1, payload: { deep: { deeper: [undefined, NaN] } } }],
  };
  assert.deepEqual(rendered(state), {
    users: {
      $map: [
        ['ann', { tags: { $set: ['admin'] }, seen: [{ $date: '1970-01-01T00:00:00.000Z' }], score: { $bigint: '10' } }],
      ],
    },
    queue: [{ id: 1, payload: { deep: { deeper: [{ $undefined: true }, { $number: 'NaN' }] } } }],
  });
});

test('cycles become $ref with the path of the object first seen', () => {
  const root: Record<string, unknown> = { name: 'root' };
  root.self = root;
  assert.deepEqual(rendered(root), { name: 'root', self: { $ref: 'state' } });

  const list: unknown[] = [1];
  list.push(list);
  assert.deepEqual(rendered(list), [1, { $ref: 'state' }]);

  const parent: { children: { parent?: unknown; name: string }[] } = { children: [{ name: 'kid' }] };
  parent.children[0]!.parent = parent;
  assert.deepEqual(rendered({ tree: parent }), {
    tree: { children: [{ name: 'kid', parent: { $ref: 'state.tree' } }] },
  });

  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = { a };
  a.b = b;
  assert.deepEqual(rendered({ a }), { a: { b: { a: { $ref: 'state.a' } } } });

  const node: Record<string, unknown> = {};
  node.byKey = new Map<unknown, unknown>([['me', node]]);
  node.members = new Set([node]);
  node.inner = { up: [node.byKey] };
  assert.deepEqual(rendered({ node }), {
    node: {
      byKey: { $map: [['me', { $ref: 'state.node' }]] },
      members: { $set: [{ $ref: 'state.node' }] },
      inner: { up: [{ $ref: 'state.node.byKey' }] },
    },
  });

  const inMap = { label: 'v' };
  const holder = new Map<unknown, unknown>([[inMap, [inMap]]]);
  assert.deepEqual(rendered(holder), { $map: [[{ label: 'v' }, [{ $ref: 'state.<key 0>' }]]] });
  const inSet = [0];
  assert.deepEqual(rendered({ s: new Set([inSet]), again: inSet }), {
    s: { $set: [[0]] },
    again: { $ref: 'state.s.<0>' },
  });
});

test('an object reached twice without a cycle is drawn once, then referenced', () => {
  // Each object appears once in the picture, which keeps shared graphs from exploding in size.
  const shared = { id: 7 };
  assert.deepEqual(rendered({ left: shared, right: shared, list: [shared] }), {
    left: { id: 7 },
    right: { $ref: 'state.left' },
    list: [{ $ref: 'state.left' }],
  });
});

test('depth limit: objects past it become { $truncated: "depth" }', () => {
  const shallow = { a: { b: { c: { d: 1 } } }, top: 1 };
  assert.deepEqual(rendered(shallow, { depth: 2, entries: 1000 }), {
    a: { b: { $truncated: 'depth' } },
    top: 1,
  });
  assert.deepEqual(
    rendered({ a: { b: 'primitive at the limit' } }, { depth: 2, entries: 1000 }),
    { a: { b: 'primitive at the limit' } },
    'only objects count against the depth',
  );
  assert.deepEqual(rendered([[[1]], new Map([[1, [2]]])], { depth: 2, entries: 1000 }), [
    [{ $truncated: 'depth' }],
    { $map: [[1, { $truncated: 'depth' }]] },
  ]);
  assert.deepEqual(rendered({ a: 1 }, { depth: 0, entries: 1000 }), { $truncated: 'depth' });

  // The default depth is 12: a chain of 20 objects is cut at the 12th level.
  let chain: Record<string, unknown> = { end: true };
  for (let i = 0; i < 20; i++) chain = { next: chain };
  let level = rendered(chain) as Record<string, Rendered>;
  for (let i = 0; i < 12; i++) level = level.next as Record<string, Rendered>;
  assert.deepEqual(level, { $truncated: 'depth' });
});

test('entry limit: collections are cut to `entries` and say how many were left out', () => {
  const limits = { depth: 12, entries: 3 };
  assert.deepEqual(rendered([1, 2, 3, 4, 5], limits), [1, 2, 3, { $omitted: 2 }]);
  assert.deepEqual(rendered([1, 2, 3], limits), [1, 2, 3], 'exactly at the limit nothing is omitted');
  assert.deepEqual(rendered(new Set([1, 2, 3, 4]), limits), { $set: [1, 2, 3], $omitted: 1 });
  assert.deepEqual(
    rendered(
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['d', 4],
        ['e', 5],
      ]),
      limits,
    ),
    {
      $map: [
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ],
      $omitted: 2,
    },
  );
  assert.deepEqual(rendered({ a: 1, b: 2, c: 3, d: 4 }, limits), { a: 1, b: 2, c: 3, $omitted: 1 });
  // The default is 1000 entries.
  const big = rendered(Array.from({ length: 1500 }, (_, i) => i)) as Rendered[];
  assert.equal(big.length, 1001);
  assert.equal(big[999], 999);
  assert.deepEqual(big[1000], { $omitted: 500 });
});
