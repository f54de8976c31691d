/** A module variable's changed initializer against the value the app holds (kept-state.ts, bind.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { literalInitializer, unchangedSinceStartup } from '../../runtime-agent/src/code-server/live/kept-state';
import { LiveModule } from '../../runtime-agent/src/code-server/live/live-module';
import { patchAfter } from '../helpers/live-patch';

const initializerOf = (statement: string, name: string): string | undefined =>
  literalInitializer(`// before\n${statement}\n// after`, 10, 10 + statement.length, name);

test('the old initializer is known when it is a literal of literals, in any declaration form', () => {
  assert.equal(
    initializerOf("const tasks = [{ id: 1, title: 'x', done: false }];", 'tasks'),
    "[{ id: 1, title: 'x', done: false }]",
  );
  assert.equal(initializerOf('let byId = new Map(), count = 0;', 'byId'), 'new Map()');
  assert.equal(initializerOf('let byId = new Map(), count = -1;', 'count'), '-1');
  assert.equal(initializerOf("export const tags = new Set(['a']);", 'tags'), "new Set(['a'])");
  assert.equal(initializerOf('var empty = {};', 'empty'), '{}');
});

test('an initializer that runs code or reads a variable is not: its new value is taken as before', () => {
  assert.equal(initializerOf('const tasks = loadTasks();', 'tasks'), undefined);
  assert.equal(initializerOf('const tasks = [...seed];', 'tasks'), undefined);
  assert.equal(initializerOf('const limits = { max: MAX };', 'limits'), undefined);
  assert.equal(initializerOf('const pattern = /x/g;', 'pattern'), undefined);
  assert.equal(initializerOf('const handlers = { get() {} };', 'handlers'), undefined);
  assert.equal(initializerOf('const cache = new LRU();', 'cache'), undefined);
  assert.equal(initializerOf('const tasks = [];', 'other'), undefined);
});

test('a value is unchanged since startup only when it still has the shape and contents its initializer made', () => {
  assert.ok(unchangedSinceStartup([{ id: 1, done: false }], [{ id: 1, done: false }]));
  assert.ok(unchangedSinceStartup(new Map([['a', 1]]), new Map([['a', 1]])));
  assert.ok(unchangedSinceStartup(3, 3));
  assert.ok(!unchangedSinceStartup([{ id: 1, done: true }], [{ id: 1, done: false }]), 'an item edited');
  assert.ok(!unchangedSinceStartup([1, 2], [1]), 'an item added');
  assert.ok(!unchangedSinceStartup(new Map([['a', 1]]), new Map()), 'an entry set');
  assert.ok(!unchangedSinceStartup({ a: 1, b: 2 }, { a: 1 }), 'a property added');
  assert.ok(!unchangedSinceStartup(4, 3));
  // Too big to compare whole: counted as changed, so it is kept (the safe side).
  const big = Array.from({ length: 20_000 }, (_, i) => i);
  assert.ok(!unchangedSinceStartup(big, [...big]));
});

test("a `var` declared again without a value keeps its value, as in JavaScript: tsc's metadata temporaries are no new values", () => {
  const before =
    'var _a, _b;\nclass NotesController { list(req) { return req; } }\n' +
    '__decorate([__metadata("design:paramtypes", [typeof (_b = typeof Request !== "undefined" && Request) === "function" ? _b : Object])], NotesController.prototype, "list", null);\n' +
    'exports.NotesController = NotesController;\n';
  const load = patchAfter(new LiveModule('/app/dist/notes.controller.js'), before);
  const patch = load(before.replace('var _a, _b;', 'var _a, _b, _c;'));
  assert.deepEqual(patch.report.rebound, []);
  assert.deepEqual(patch.report.added, ['_c']);
  assert.doesNotMatch(patch.code, /s\._a=void 0|s\._b=void 0/);
  assert.match(patch.code, /s\._c=void 0/);
  assert.deepEqual(patch.report.notApplied, [], 'nothing read once at startup got a new value');
});
