/**
 * Which exported constants an ES module is served with a facade for
 * (runtime-agent/src/code-server/live/never-a-function.ts, esm-load.ts): a value its code makes
 * that may be a function takes one; a value that is never a function (an instance, an object or
 * array, a primitive) is read through the module's own binding, with no second module record.
 * Each expression said never to be a function is also run, and checked not to make one.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { Parser } from 'acorn';
import { neverAFunction } from '../../runtime-agent/src/code-server/live/never-a-function';
import type { AnyNode } from '../../runtime-agent/src/code-server/live/walk';
import { hotModuleLoader } from '../../runtime-agent/src/code-server/esm-load';
import { scratchFolder } from '../helpers/scratch';

function expression(text: string): AnyNode {
  const program = Parser.parse(`(${text});`, { ecmaVersion: 'latest', sourceType: 'module' }) as AnyNode;
  return program.body[0].expression as AnyNode;
}

/** What the expression evaluates to, with the names it reads defined. */
function evaluate(text: string): unknown {
  class Service {}
  const scope = { Service, a: 2, b: 3, i: 0, name: 'n', cond: true, fallback: 'x', maybe: null };
  return new Function(...Object.keys(scope), `return (${text});`)(...Object.values(scope));
}

const never = [
  '42',
  "'text'",
  '/a+b/g',
  '10n',
  'null',
  '`hello, ${name}`',
  '{ limit: 20, run() {} }',
  '[1, () => 2]',
  'new Service()',
  'new Map([[1, 2]])',
  'a * 1000',
  "a + 'ms'",
  'typeof a',
  '-a',
  '!a',
  'i++',
  "a > 1 && 'big'",
  "cond ? { on: true } : 'off'",
  '(a, b, [a, b])',
  'Object.freeze({ limit: 20 })',
  'Object.assign({}, { a })',
  'Number(process.env.PORT) || 3000',
  "process.env.PORT ?? '3000'",
  "process.env['HOME']",
  'JSON.parse(\'{"a":1}\')',
  'Math.max(a, b)',
  "Symbol.for('key')",
  'Array.from({ length: 2 }, () => () => 1)',
];
for (const text of never) {
  test(`${text} is never a function`, () => {
    assert.equal(neverAFunction(expression(text)), true);
    assert.notEqual(typeof evaluate(text), 'function', 'and running it made none');
  });
}

const mayBe = [
  "makeGreeter('hello')",
  'express.Router()',
  'handler',
  'routes.list',
  'await load()',
  'cond ? () => 1 : {}',
  'maybe ?? fallback',
  'maybe ?? 5',
  'tag`x`',
  "new Function('return 1')",
  'new Proxy(target, {})',
  'new globalThis.Proxy(target, {})',
  'new classes[name]()',
  '(a, b, handler)',
  'Object.freeze(handler)',
  'Object.assign(handler, { a })',
  'Object.freeze(...list)',
  'process.argv',
  'lookup(process.env.NAME)',
];
for (const text of mayBe) {
  test(`${text} may be a function`, () => {
    assert.equal(neverAFunction(expression(text)), false);
  });
}

test('a built-in the module binds itself is its own: Object.freeze of an imported Object may make a function', () => {
  const bindsObject = (name: string): boolean => name === 'Object';
  assert.equal(neverAFunction(expression('Object.freeze({})'), bindsObject), false);
  assert.equal(neverAFunction(expression('Object.freeze({})')), true);
  assert.equal(
    neverAFunction(expression('process.env.PORT'), (name) => name === 'process'),
    false,
  );
});

const root = scratchFolder('never-a-function');

function served(file: string, code: string): string {
  const loader = hotModuleLoader({ root, include: [], exclude: [] });
  const { source } = loader.load(pathToFileURL(join(root, file)).href, { format: 'module', source: code });
  return source as string;
}

test('a module whose exported constants are never functions is served at its own URL; one that may make a function, through a facade', () => {
  const data = served(
    'service.mjs',
    'class Service {}\nexport const service = new Service();\nexport const config = { limit: 20 };\nexport const TIMEOUT_MS = 5 * 1000;\n',
  );
  assert.match(data, /liveEsm\(/, 'the module itself, made live');
  assert.doesNotMatch(data, /hotpatch=original/, 'no facade importing it');
  const greeter = served(
    'greeter.mjs',
    "const makeGreeter = (word) => (name) => word + name;\nexport const greet = makeGreeter('hi');\n",
  );
  assert.match(greeter, /import \* as __hp_original from "file:[^"]*greeter\.mjs\?hotpatch=original"/, 'a facade');
  assert.match(greeter, /export \{ __hp_e0 as "greet" \}/, 'which holds greet for its importers');
});
