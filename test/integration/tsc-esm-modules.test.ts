/**
 * A TypeScript app of ES modules built by tsc with "module": "nodenext" and "type": "module":
 * a saved `.ts` file is compiled as the ES module the app runs, not as CommonJS. Compiled as
 * CommonJS (`exports.routes = …`), the load took back every statement of the running module.
 * And an enum (which tsc fills in a function called where it is written) gains a member in place.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';

test('hotpatch load of a .ts file an ES module app built with "module": "nodenext" runs: loaded as an ES module', async () => {
  const app = await App.start('ts-cjs', { fixture: 'ts-esm-nodenext' });
  after(() => app.stop());
  assert.equal(await app.get('/hits'), '1');

  app.edit('src/routes.ts', (text) => text.replace('`hello, ${', '`hi, ${'));
  const loaded = await runCli(['load', app.file('src/routes.ts')], app.discoveryDir);
  assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  assert.match(loaded.stdout, /✓ .*dist\/routes\.js: vsn/);
  assert.doesNotMatch(loaded.stdout, /exports|taken back|restart/, loaded.stdout);
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');
  // The other route still answers, and its count went on.
  assert.equal(await app.get('/hits'), '2');

  // An enum gains a member: the function tsc fills it in runs again, on the running enum.
  assert.equal(await app.get('/colors'), 'red');
  app.edit('src/color.ts', (text) => text.replace("Red = 'red',", "Red = 'red',\n  Blue = 'blue',"));
  const enumLoad = await runCli(['load', app.file('src/color.ts')], app.discoveryDir);
  assert.equal(enumLoad.code, 0, enumLoad.stdout + enumLoad.stderr);
  assert.match(enumLoad.stdout, /✓ .*dist\/color\.js: vsn/);
  assert.doesNotMatch(enumLoad.stdout, /restart/, enumLoad.stdout);
  assert.equal(await app.get('/colors'), 'red,blue');
});
