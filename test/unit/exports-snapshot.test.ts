/**
 * A version's copy of its exports (snapshot in runtime-agent/src/code-server/module-version.ts):
 * the app's own object is never the copy nor written; the copy has the same prototype and
 * properties (getters stay getters, not called), all of them writable and configurable so that
 * a later version can assign what it exports again. A plain object of plain values takes a
 * faster way to the same copy. Adoption reads the descriptors once for the copy and the face
 * (ownDescriptors): the copy made writable leaves them as raw has them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshot } from '../../runtime-agent/src/code-server/module-version';
import { createStableExports, ownDescriptors } from '../../runtime-agent/src/code-server/stable-exports';

const descriptorsOf = (value: unknown): PropertyDescriptorMap => Object.getOwnPropertyDescriptors(value);

test('a plain object of plain values: a copy with the same properties, in the same order, symbols included', () => {
  const tag = Symbol('tag');
  const raw = { value: (x: number) => x, label: 'a', 2: 'two', [tag]: 1 };
  Object.defineProperty(raw, '__proto__', { value: 'own', writable: true, enumerable: true, configurable: true });
  const copy = snapshot(raw) as typeof raw;
  assert.notEqual(copy, raw);
  assert.equal(Object.getPrototypeOf(copy), Object.prototype);
  assert.deepEqual(Reflect.ownKeys(copy), Reflect.ownKeys(raw));
  assert.deepEqual(descriptorsOf(copy), descriptorsOf(raw));
  assert.equal(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value, 'own', 'an own __proto__ stays a property');
});

test('getters, read-only and hidden properties, and other prototypes are copied as they are, made writable', () => {
  let reads = 0;
  const withGetter = Object.defineProperty({ a: 1 }, 'b', { enumerable: true, get: () => ++reads });
  const frozen = Object.freeze({ a: 1 });
  const hidden = Object.defineProperty({ a: 1 }, '__esModule', { value: true });
  const orphan = Object.assign(Object.create(null) as Record<string, number>, { a: 1 });
  for (const raw of [withGetter, frozen, hidden, orphan]) {
    const copy = snapshot(raw) as object;
    assert.notEqual(copy, raw);
    assert.equal(Object.getPrototypeOf(copy), Object.getPrototypeOf(raw));
    assert.deepEqual(Reflect.ownKeys(copy), Reflect.ownKeys(raw));
    for (const [key, descriptor] of Object.entries(descriptorsOf(copy))) {
      assert.equal(descriptor.configurable, true, key);
      if ('value' in descriptor) assert.equal(descriptor.writable, true, key);
      assert.equal(descriptor.enumerable, Object.getOwnPropertyDescriptor(raw, key)?.enumerable, key);
    }
  }
  assert.equal(reads, 0, 'the getter was not called');
  assert.equal(typeof Object.getOwnPropertyDescriptor(snapshot(withGetter), 'b')?.get, 'function');
  assert.ok(Object.isFrozen(frozen), "the app's frozen object is left as it is");
});

test('a class instance, a function and a primitive are not copied', () => {
  class Service {
    count = 1;
  }
  const instance = new Service();
  const fn = () => 1;
  assert.equal(snapshot(instance), instance);
  assert.equal(snapshot(fn), fn);
  assert.equal(snapshot(3), 3);
  assert.equal(snapshot(null), null);
});

test('the descriptors read once serve the copy and the face alike: the copy made writable leaves them as raw has them', () => {
  const greet = (): string => 'hi';
  const raw = { greet } as { greet: () => string; version?: number };
  // Neither writable nor configurable: raw cannot hold the trampoline greet needs, its face is another object.
  Object.defineProperty(raw, 'version', { value: 1, enumerable: true });
  const own = ownDescriptors(raw)!;
  const copy = snapshot(raw, own) as typeof raw;
  assert.equal(Object.getOwnPropertyDescriptor(copy, 'version')?.writable, true, 'the copy is writable');
  assert.equal(own.version?.writable, false, "raw's descriptors are left as they were");
  const face = createStableExports(
    raw,
    (key) => () => (key === null ? copy : copy[key as keyof typeof copy]),
    own,
  ) as typeof raw;
  assert.notEqual(face, raw, 'a fixed property makes the face a fresh object, as without the shared reading');
  assert.notEqual(face.greet, greet, 'the face holds a trampoline');
  assert.equal(face.greet(), 'hi');
  assert.equal(raw.greet, greet, "raw's own function is left as it is");
  assert.equal(face.version, 1);
});
