/**
 * A TypeScript app built by SWC (`nest start -b swc`), not tsc: a save of a source is refused,
 * naming SWC and the file it writes, instead of sending tsc's code, whose `exports.greet = …`
 * cannot assign SWC's getter ("Cannot set property greet of #<Object> which has only a getter").
 * The file SWC writes loads live.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { foreignCompilerOf } from '../../extension/src/engine/foreign-builds';

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

test("SWC's and Babel's helpers and SWC's export getters are told apart from tsc's output, re-export getters included", () => {
  assert.equal(foreignCompilerOf('"use strict";\nfunction _ts_decorate(d, t, k, c) {}\nclass A {}\n'), 'SWC');
  assert.equal(
    foreignCompilerOf(
      'Object.defineProperty(exports, "greet", { enumerable: true, get: function() { return greet; } });\nfunction greet() {}\n',
    ),
    'SWC',
  );
  assert.equal(foreignCompilerOf('function _interopRequireDefault(e) { return e; }\n'), 'Babel');
  const tsc =
    '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.greet = greet;\n' +
    'var m_1 = require("./m");\nObject.defineProperty(exports, "x", { enumerable: true, get: function () { return m_1.x; } });\n' +
    'var __importDefault = (this && this.__importDefault) || function (mod) { return mod; };\nfunction greet() {}\n';
  assert.equal(foreignCompilerOf(tsc), undefined);
  assert.equal(foreignCompilerOf('not javascript ('), undefined);
});
