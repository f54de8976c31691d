/**
 * What the reader records of a function's own `this`, `super` and `arguments` (reader.ts,
 * lexicalUses): its prologue and whether its calls can move to a new body depend on them. A
 * function whose text has none of those words is not walked; these cases hold either way.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readProgram } from '../../runtime-agent/src/code-server/live/program';

/** usesThis and usesArguments of each function the module declares, by name. */
function usesOf(code: string): Record<string, [boolean, boolean]> {
  const model = readProgram(code);
  const uses: Record<string, [boolean, boolean]> = {};
  for (const fn of model.functions) {
    const name = (fn.node.id as { name?: string } | null)?.name;
    if (name) uses[name] = [fn.usesThis, fn.usesArguments];
  }
  return uses;
}

test("a function's own uses, and those of the arrows in it, but not of functions nested in it", () => {
  assert.deepEqual(
    usesOf(`
      function plain(a) { return a + 1; }
      function self() { return this.x; }
      function viaArrow() { return () => arguments[0]; }
      function nested() { return function inner() { return this; }; }
    `),
    {
      plain: [false, false],
      self: [true, false],
      viaArrow: [false, true],
      nested: [false, false],
      inner: [true, false],
    },
  );
});

test('the words in a string or a comment are no use; a name written with an escape is one', () => {
  assert.deepEqual(
    usesOf(`
      function quoted() { return 'this and arguments'; /* super */ }
      function escaped() { return \\u0061rguments.length; }
    `),
    { quoted: [false, false], escaped: [false, true] },
  );
});
