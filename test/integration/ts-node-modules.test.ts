/**
 * A TypeScript app run by ts-node (`node -r ts-node/register`, as nodemon runs it): the running
 * code of a `.ts` module is TypeScript's CommonJS, so a save is compiled by TypeScript, not by
 * esbuild as for tsx. Compiled by esbuild, every statement read as changed and the load took back
 * the routes the module had registered: a handler's edit made the others answer "not found".
 */
import assert from 'node:assert/strict';
import { transformSync } from 'esbuild';
import { after, test } from 'node:test';
import ts from 'typescript';
import { runningCompilerOfCode } from '../../extension/src/engine/running-compilers';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';

const tsNode = ['-r', 'ts-node/register', '-r', 'hotpatch-agent/register', 'src/app.ts'];

test('hotpatch load of a .ts file ts-node runs: compiled by TypeScript, loaded live with its state', async () => {
  const app = await App.start('tsx', { fixture: 'ts-node', args: tsNode });
  after(() => app.stop());
  assert.equal(await app.get('/hits'), '1');

  app.edit('src/routes.ts', (text) => text.replace('`hello, ${', '`hi, ${'));
  const loaded = await runCli(['load', app.file('src/routes.ts')], app.discoveryDir);
  assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  assert.match(loaded.stdout, /✓ .*src\/routes\.ts: vsn/);
  assert.doesNotMatch(loaded.stdout, /taken back|restart/, loaded.stdout);
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');
  // The other routes still answer, and the count went on.
  assert.equal(await app.get('/hits'), '2');

  // A second save of the module: compiled the same way as the first.
  app.edit('src/routes.ts', (text) => text.replace('`hi, ${', '`hey, ${'));
  const again = await runCli(['load', app.file('src/routes.ts')], app.discoveryDir);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.doesNotMatch(again.stdout, /taken back|restart/, again.stdout);
  assert.equal(await app.get('/greet?name=ann'), 'hey, ann');
  assert.equal(await app.get('/hits'), '3');

  // An enum gains a member: TypeScript's enum function runs again on the running enum.
  app.edit('src/color.ts', (text) => text.replace("Red = 'red',", "Red = 'red',\n  Blue = 'blue',"));
  const enumLoad = await runCli(['load', app.file('src/color.ts')], app.discoveryDir);
  assert.equal(enumLoad.code, 0, enumLoad.stdout + enumLoad.stderr);
  assert.doesNotMatch(enumLoad.stdout, /restart/, enumLoad.stdout);
  assert.equal(await app.get('/colors'), 'red,blue');
});

test("a module's running code tells TypeScript's CommonJS from esbuild's (tsx) and SWC's", () => {
  const source =
    "import { readFileSync } from 'node:fs';\nexport const size = (file: string) => readFileSync(file).length;\n";
  const typescript = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const esbuild = transformSync(source, { loader: 'ts', format: 'cjs', keepNames: true }).code;
  assert.equal(runningCompilerOfCode(typescript, 'cjs'), 'TypeScript');
  assert.equal(runningCompilerOfCode(esbuild, 'cjs'), undefined);
  // SWC's export of a local declaration, a getter TypeScript's `exports.x = …` cannot assign.
  const swc =
    '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n' +
    'Object.defineProperty(exports, "size", { enumerable: true, get: function() { return size; } });\nconst size = 1;\n';
  assert.equal(runningCompilerOfCode(swc, 'cjs'), 'SWC');
  // A script with no import or export: the compilers write the same code, none is told.
  assert.equal(runningCompilerOfCode(ts.transpileModule('let n = 1;\n', {}).outputText, 'cjs'), undefined);
});
