/**
 * Which new export values leave a copy an importer took at startup behind (code-server/export-copies.ts).
 * End to end: integration/cjs-exports.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alike, exportedValues, replacedExports } from '../../runtime-agent/src/code-server/export-copies';
import { statementQuote } from '../../runtime-agent/src/code-server/live/stale-reads';

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

test("a copy's note quotes its statement as the source writes it, where the code was compiled from one (tsx, tsc)", () => {
  const source = [
    "import { router } from './trpc';",
    "import { todosRouter } from './todos';",
    '',
    'export const appRouter = router({ todos: todosRouter });',
    '',
  ].join('\n');
  const code = [
    'var import_trpc = require("./trpc");',
    'var import_todos = require("./todos");',
    'const appRouter = (0, import_trpc.router)({ todos: import_todos.todosRouter });',
    '',
  ].join('\n');
  const start = code.indexOf('const appRouter');
  const end = code.indexOf(';', start) + 1;
  // The code's third line is the source's fourth (as its source map says).
  const quote = statementQuote(code, source, (position) => (position >= start ? 4 : 1));
  assert.equal(quote(start, end), 'export const appRouter = router({ todos: todosRouter });');
  // Code that is its own source is quoted from itself, shortened.
  assert.equal(
    statementQuote(code, code, () => 3)(start, end),
    'const appRouter = (0, import_trpc.router)({ todos: import...',
  );
});
