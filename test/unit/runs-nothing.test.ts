/**
 * Which patches run none of the app's code when evaluated (runs-nothing.ts): only those may be
 * prepared ahead of their save, while the user types. Each case is an everyday edit of a real
 * app's module, the running text and then the edited one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveModule } from '../../runtime-agent/src/code-server/live/live-module';
import { copiedAsValues } from '../../runtime-agent/src/code-server/module-version';
import { patchAfter } from '../helpers/live-patch';

const APP = [
  "const express = require('express');",
  'const app = express();',
  'const todos = [];',
  'function count() { return todos.length; }',
  "app.get('/todos', (req, res) => res.json({ todos, count: count() }));",
  'class Store { constructor() { this.items = []; } add(item) { this.items.push(item); return item; } }',
  'const store = new Store();',
  "const GREETING = 'hello';",
  'const LIMIT = 60 * 1000;',
  'exports.vsn = 1;',
  'app.listen(3000);',
].join('\n');

/** The running APP with `from` replaced by `to`. */
const edit = (from: string, to: string): string => {
  assert.ok(APP.includes(from), `the app has ${from}`);
  return APP.replace(from, to);
};

const pure: Record<string, string> = {
  "a route handler's body": edit('res.json({ todos, count: count() })', 'res.json({ todos, total: count() })'),
  "a function declaration's body": edit('return todos.length;', 'return todos.length + 0;'),
  "a plain class's method": edit('return item;', 'return { ...item };'),
  'a comment and layout only': edit('const todos = [];', 'const todos = []; // the list'),
  'a constant given another literal': edit("const GREETING = 'hello';", "const GREETING = `hi, ${'you'}`;"),
  'a constant computed from literals': edit('const LIMIT = 60 * 1000;', 'const LIMIT = 5 * 60 * 1000;'),
  'a constant added': edit('const LIMIT', "const FAREWELL = 'bye';\nconst LIMIT"),
  'an export of a literal': edit('exports.vsn = 1;', "exports.vsn = '2';"),
};

const runsCode: Record<string, string> = {
  'a route added (its statement runs)': APP.replace(
    'app.listen',
    "app.get('/health', (req, res) => res.end());\napp.listen",
  ),
  "a variable's initializer made by an array (a new array: a value made, not a literal)": edit(
    'const todos = [];',
    "const todos = ['first'];",
  ),
  'a constant read from the environment (a property read may run a getter)': edit(
    'const LIMIT = 60 * 1000;',
    'const LIMIT = process.env.LIMIT;',
  ),
  'an export of a value a call makes': edit('exports.vsn = 1;', 'exports.vsn = String(2);'),
  'a constant removed (the names it declared are not declared again)': edit("const GREETING = 'hello';", ''),
  'a statement removed (what it registered is taken back)': edit(
    "app.get('/todos', (req, res) => res.json({ todos, count: count() }));",
    '',
  ),
  'a class with a static field changed (its evaluation runs the initializer)': edit(
    'class Store {',
    'class Store { static made = Date.now();',
  ).replace('return item;', 'return { ...item };'),
};

test('a patch that only gives functions new bodies, or names literals, runs none of the app code', () => {
  for (const [what, after] of Object.entries(pure)) {
    const patch = patchAfter(new LiveModule('/app/server.js'), APP)(after);
    assert.equal(patch.runsNothing, true, what);
    // Only an export assigned needs the version's exports to be a copy (the code server checks).
    assert.equal(patch.writesExports, what === 'an export of a literal', what);
  }
});

test('a patch that runs a statement, makes or reads a value, takes back or evaluates a class with static parts runs app code', () => {
  for (const [what, after] of Object.entries(runsCode)) {
    const patch = patchAfter(new LiveModule('/app/server.js'), APP)(after);
    assert.equal(patch.runsNothing, false, what);
  }
});

test("a class tsc decorated: a method's body runs nothing, its decorators changed run them", () => {
  // tsc writes the decorators as a statement of their own, after the class.
  const before = [
    'let Svc = class Svc { find() { return 1; } };',
    'Svc = __decorate([Injectable()], Svc);',
    'exports.Svc = Svc;',
  ].join('\n');
  const load = patchAfter(new LiveModule('/app/svc.js'), before);
  assert.equal(load(before.replace('return 1;', 'return 2;')).runsNothing, true);
  assert.equal(load(before.replace('Injectable()', "Injectable({ scope: 'request' })")).runsNothing, false);
});

test('an ES module version is never taken as running nothing (its top level is an async function the code server awaits)', () => {
  const before = 'export function count() { return 1; }';
  const patch = patchAfter(new LiveModule('/app/count.mjs'), before, 'esm')(before.replace('1', '2'));
  assert.equal(patch.runsNothing, false);
});

test('a method of a class whose superclass is made by a call runs that call again (a mixin)', () => {
  const before = edit('class Store {', 'class Store extends withEvents(Object) {');
  const patch = patchAfter(
    new LiveModule('/app/server.js'),
    before,
  )(before.replace('return item;', 'return { ...item };'));
  assert.equal(patch.runsNothing, false);
});

test("a version's export of a literal writes only its copy of a plain object of values", () => {
  assert.equal(copiedAsValues({ vsn: '1', list: () => [] }), true);
  assert.equal(copiedAsValues(Object.freeze({ vsn: '1' })), true, 'copied writable');
  // Assigning to these would write the app's own object, or run its setter.
  assert.equal(
    copiedAsValues(function handler() {}),
    false,
    'a function is not copied',
  );
  assert.equal(copiedAsValues(new (class Service {})()), false, 'an instance is not copied');
  assert.equal(copiedAsValues(Object.create({ set vsn(_: string) {} })), false, 'a prototype with a setter');
  const withSetter = { set vsn(_: string) {} };
  assert.equal(copiedAsValues(withSetter), false, 'a setter of its own');
});
