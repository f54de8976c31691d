/**
 * A first version's module scope as the code server sees it (runtime-agent/src/code-server/live/
 * module-bindings.ts): the header's access function, compiled over real variables, and the
 * accessor object made from it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bindingAccessCode,
  bindingNames,
  bindingsObject,
} from '../../runtime-agent/src/code-server/live/module-bindings';

/** A scope of `count`, `greet` and an import-like `config`, with the header's access function over it. */
function scope(): { bindings: Record<string, unknown>; count: () => unknown; staged: Array<[string, unknown]> } {
  const make = new Function(
    `'use strict'; let count = 1; let greet = () => 'hi'; const config = { port: 80 };` +
      `return [${bindingAccessCode(['count', 'greet'], ['config'])}, () => count];`,
  ) as () => [Parameters<typeof bindingsObject>[1], () => unknown];
  const [access, count] = make();
  const staged: Array<[string, unknown]> = [];
  const bindings = bindingsObject(bindingNames(['count', 'greet'], ['config']), access, (target, key, value) => {
    staged.push([key, value]);
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  });
  return { bindings, count, staged };
}

test('reads and writes reach the variables the closures use, in the order the header names them', () => {
  const { bindings, count } = scope();
  assert.deepEqual(Object.keys(bindings), ['count', 'greet', 'config']);
  assert.equal(bindings.count, 1);
  assert.deepEqual(bindings.config, { port: 80 });
  bindings.count = 5;
  assert.equal(count(), 5, 'the module variable itself was assigned');
  assert.equal(bindings.count, 5);
});

test('a write through a staging layer stays in the layer until it is committed', () => {
  const { bindings, count, staged } = scope();
  const layer = Object.create(bindings) as Record<string, unknown>;
  layer.count = 9;
  assert.equal(layer.count, 9);
  assert.equal(count(), 1, 'the running version still sees its own value');
  assert.equal(bindings.count, 1);
  assert.deepEqual(staged, [['count', 9]]);
});

test('an import cannot be assigned: a TypeError in strict code, as assigning the import itself', () => {
  const { bindings } = scope();
  assert.throws(() => {
    'use strict';
    bindings.config = {};
  }, TypeError);
  assert.deepEqual(bindings.config, { port: 80 });
});

test('a module with no bindings, or with only imports', () => {
  const none = bindingsObject(
    bindingNames([], []),
    () => undefined,
    () => {},
  );
  assert.deepEqual(Object.keys(none), []);
  const onlyImports = bindingsObject(
    bindingNames([], ['a', 'b']),
    (index) => `import ${index}`,
    () => {},
  );
  assert.deepEqual(Object.keys(onlyImports), ['a', 'b']);
  assert.equal(onlyImports.b, 'import 1');
});
