/**
 * The namespace made from a module's bindings (runtime-agent/src/code-server/bound-namespace.ts)
 * against the namespace Node makes for the same module: whatever the code server or the app can
 * observe of one, it observes of the other alike.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { boundNamespace } from '../../runtime-agent/src/code-server/bound-namespace';
import { scratchFolder } from '../helpers/scratch';

/** A module with its bindings' accessors, as the first version's header makes them, and its real namespace. */
async function bothNamespaces(): Promise<{ real: Record<string, unknown>; bound: Record<string, unknown> }> {
  const file = join(scratchFolder('bound-namespace'), 'module.mjs');
  writeFileSync(
    file,
    'let count = 1;\nexport function bump() { count += 1; }\nexport { count, count as Ä, count as a, count as __proto__ };\n' +
      'export class Zebra {}\nexport const äpfel = () => count;\n' +
      'export const accessors = { get count() { return count; }, get bump() { return bump; }, ' +
      'get Zebra() { return Zebra; }, get äpfel() { return äpfel; } };\n',
  );
  const real = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const locals: Array<[string, string]> = [
    ['bump', 'bump'],
    ['count', 'count'],
    ['Ä', 'count'],
    ['a', 'count'],
    ['__proto__', 'count'],
    ['Zebra', 'Zebra'],
    ['äpfel', 'äpfel'],
  ];
  const accessors = real.accessors as Record<string, unknown>;
  const bound = boundNamespace(locals, (local) => accessors[local]) as Record<string, unknown>;
  return { real, bound };
}

test('the same names in the same order, the same descriptors and tag, and neither takes a name', async () => {
  const { real, bound } = await bothNamespaces();
  const own = Object.keys(real).filter((k) => k !== 'accessors');
  assert.deepEqual(Object.keys(bound), own);
  for (const key of own) {
    assert.deepEqual(Object.getOwnPropertyDescriptor(bound, key), Object.getOwnPropertyDescriptor(real, key), key);
  }
  assert.equal(Object.prototype.toString.call(bound), Object.prototype.toString.call(real));
  assert.equal(Object.getPrototypeOf(bound), Object.getPrototypeOf(real));
  assert.equal(Object.isExtensible(bound), Object.isExtensible(real));
  assert.equal('count' in bound, true);
  assert.equal('accessors' in bound, false);
  for (const ns of [real, bound]) {
    assert.throws(() => {
      ns.count = 5; // a module is strict code
    }, TypeError);
    assert.throws(() => Object.defineProperty(ns, 'other', { value: 1 }), TypeError);
    assert.equal(Reflect.deleteProperty(ns, 'count'), false);
    assert.equal(Reflect.deleteProperty(ns, 'missing'), true);
  }
});

test('values are read from the bindings at each read: an assignment by the module shows through both', async () => {
  const { real, bound } = await bothNamespaces();
  const before = bound.count as number;
  assert.equal(before, real.count);
  (real.bump as () => void)();
  assert.equal(real.count, before + 1);
  assert.equal(bound.count, before + 1);
  assert.equal(bound.Ä, before + 1);
  assert.equal(bound.bump, real.bump);
  assert.equal(bound.Zebra, real.Zebra);
});

test('a namespace first looked at by any one way answers as the real one (its properties are made at the first look)', async () => {
  const looks: Array<[string, (ns: Record<string, unknown>) => unknown]> = [
    ['an export’s descriptor', (ns) => Object.getOwnPropertyDescriptor(ns, 'count')],
    ['a missing name’s descriptor', (ns) => Object.getOwnPropertyDescriptor(ns, 'vsn')],
    ['the tag', (ns) => ns[Symbol.toStringTag as unknown as string]],
    ['a missing name', (ns) => ns.missing],
    ['`in`', (ns) => 'Zebra' in ns],
    ['its keys', (ns) => Object.keys(ns).filter((k) => k !== 'accessors')],
    ['whether it is extensible', (ns) => Object.isExtensible(ns)],
    ['its prototype', (ns) => Object.getPrototypeOf(ns)],
    ['a new prototype', (ns) => Reflect.setPrototypeOf(ns, {})],
    ['a deletion', (ns) => Reflect.deleteProperty(ns, 'count')],
  ];
  for (const [name, look] of looks) {
    const { real, bound } = await bothNamespaces();
    assert.deepEqual(look(bound), look(real), name);
    assert.deepEqual(
      Object.getOwnPropertyDescriptor(bound, 'count'),
      Object.getOwnPropertyDescriptor(real, 'count'),
      name,
    );
    assert.deepEqual(
      Reflect.ownKeys(bound),
      Reflect.ownKeys(real).filter((k) => k !== 'accessors'),
      name,
    );
  }
});
