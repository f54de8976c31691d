/**
 * A TypeScript app built by SWC (`nest start -b swc`), not tsc: a save of a source is refused,
 * naming SWC and the file it writes, instead of sending tsc's code, whose `exports.greet = …`
 * cannot assign SWC's getter ("Cannot set property greet of #<Object> which has only a getter").
 * The file SWC writes loads live. An app that compiles its `.ts` files with SWC as it loads them
 * has no such file: its save is refused with a restart to run it.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { runningCompilerOfCode } from '../../extension/src/engine/running-compilers';

test('a save of a source SWC compiled is refused, naming SWC; what SWC writes loads live, state kept', async () => {
  const app = await App.start('cjs', {
    fixture: 'swc-built',
    args: ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'build/app.js'],
  });
  after(() => app.stop());
  assert.equal(await app.get('/?name=ann'), 'hello, ann');

  app.edit('src/greeting.ts', (text) => text.replace('hello, ', 'hi, '));
  const refused = await runCli(['load', app.file('src/greeting.ts')], app.discoveryDir);
  assert.notEqual(refused.code, 0, refused.stdout);
  assert.match(refused.stderr, /runs \S*build\/greeting\.js as SWC compiled it.*hotpatch load \S*build\/greeting\.js/);
  assert.equal(await app.get('/?name=ann'), 'hello, ann');

  copyFileSync(app.file('build-next/greeting.js'), app.file('build/greeting.js'));
  copyFileSync(app.file('build-next/greeting.js.map'), app.file('build/greeting.js.map'));
  const loaded = await runCli(['load', app.file('build/greeting.js')], app.discoveryDir);
  assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  assert.equal(await app.get('/?name=ann'), 'hi, ann');
  assert.equal(await app.get('/hits'), '4', 'the count of requests went on (this one is the fourth)');
});

test('a save of a .ts file the app compiles with SWC as it loads it (@swc-node/register) is refused with a restart to run it; the app untouched', async () => {
  const app = await App.start('tsx', {
    fixture: 'ts-node',
    args: ['-r', '@swc-node/register', '-r', 'hotpatch-agent/register', 'src/app.ts'],
  });
  after(() => app.stop());
  assert.equal(await app.get('/hits'), '1');

  app.edit('src/routes.ts', (text) => text.replace('`hello, ${', '`hi, ${'));
  const refused = await runCli(['load', app.file('src/routes.ts')], app.discoveryDir);
  assert.notEqual(refused.code, 0, refused.stdout);
  assert.match(refused.stderr, /compiles it with SWC as it loads it.*restart the app to run the change/);
  // Nothing of the running module was taken back: its routes answer, its count goes on.
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  assert.equal(await app.get('/hits'), '2');
});

test("SWC's and Babel's helpers and SWC's export getters are told apart from tsc's output (TypeScript's), re-export getters included", () => {
  assert.equal(
    runningCompilerOfCode('"use strict";\nfunction _ts_decorate(d, t, k, c) {}\nclass A {}\n', 'cjs'),
    'SWC',
  );
  assert.equal(
    runningCompilerOfCode(
      'Object.defineProperty(exports, "greet", { enumerable: true, get: function() { return greet; } });\nfunction greet() {}\n',
      'cjs',
    ),
    'SWC',
  );
  assert.equal(runningCompilerOfCode('function _interopRequireDefault(e) { return e; }\n', 'cjs'), 'Babel');
  const tsc =
    '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.greet = greet;\n' +
    'var m_1 = require("./m");\nObject.defineProperty(exports, "x", { enumerable: true, get: function () { return m_1.x; } });\n' +
    'var __importDefault = (this && this.__importDefault) || function (mod) { return mod; };\nfunction greet() {}\n';
  assert.equal(runningCompilerOfCode(tsc, 'cjs'), 'TypeScript');
  assert.equal(runningCompilerOfCode('not javascript (', 'cjs'), undefined);
});
