/**
 * Which new export values leave a copy an importer took at startup behind (code-server/export-copies.ts).
 * End to end: integration/cjs-exports.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alike, exportedValues, replacedExports } from '../../runtime-agent/src/code-server/export-copies';

/** A function as a live module's code has it: its body forwards to the newest one (live/instrument.ts). */
const liveFunction = (): Function =>
  new Function('__hotpatch$', 'return (title) => __hotpatch$.call(0, this, [title]);')({ call: () => 'newest' });

test('a function a live module wrote forwards to its newest body: a copy holding the old one behaves as the new', () => {
  assert.equal(alike({ add: liveFunction() }, { add: liveFunction() }), true);
});

test('a function a library made keeps what it was made with: an object holding one is a new value, and a copy of the old one goes stale', () => {
  const procedure = (max: number) => (title: string) => title.length <= max;
  assert.equal(alike({ add: procedure(3) }, { add: procedure(10) }), false);
  assert.deepEqual(replacedExports({ todosRouter: { add: procedure(3) } }, { todosRouter: { add: procedure(10) } }), [
    'todosRouter',
  ]);
});

test('the values exports hold now, read through their getters, as a later load will not find them', () => {
  let router = { name: 'old' };
  const exports = Object.defineProperties({}, { router: { get: () => router, enumerable: true } });
  const before = exportedValues(exports)!;
  router = { name: 'new' };
  assert.deepEqual(before, { router: { name: 'old' } });
  assert.deepEqual(replacedExports(before, exports), ['router']);
  // A getter that throws (a binding not initialised) is read as no value at all: never a new one.
  const early = Object.defineProperties(
    {},
    {
      late: {
        get: () => {
          throw new ReferenceError('late');
        },
        enumerable: true,
      },
    },
  );
  assert.deepEqual(replacedExports(exportedValues(early), { late: { limit: 1 } }), []);
});
