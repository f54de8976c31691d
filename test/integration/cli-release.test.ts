/**
 * `hotpatch load A B` is one release, as a Save All is in the editor and as Erlang's release
 * upgrades are: both files go live together, or neither does, and each file says why.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';

test('hotpatch load of two files, one of them broken, loads neither; fixed, both go live in one run', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  assert.equal(await app.get('/hits'), '1');

  app.edit('greeting.js', (text) => text.replace('hello', 'howdy'));
  app.edit('store.js', (text) => text.replace('exports.hit = () => ++hits;', 'exports.hit = () => (hits += 10;'));
  const broken = await runCli(['load', app.file('greeting.js'), app.file('store.js')], app.discoveryDir);
  assert.equal(broken.code, 1, broken.stdout + broken.stderr);
  assert.match(broken.stderr, /store\.js:\d+:\d+/, 'the syntax error names its file and place');
  assert.match(broken.stderr, /greeting\.js: not loaded: it is one release with .*store\.js, which cannot load/);
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann', 'greeting.js was not loaded alone');
  assert.equal(await app.get('/hits'), '2');

  app.edit('store.js', (text) => text.replace('(hits += 10;', '(hits += 10);'));
  const fixed = await runCli(['load', app.file('greeting.js'), app.file('store.js')], app.discoveryDir);
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.match(fixed.stdout, /greeting\.js: vsn .* is current/);
  assert.match(fixed.stdout, /store\.js: vsn .* is current/);
  assert.equal(await app.get('/greet?name=ann'), 'howdy, ann');
  assert.equal(await app.get('/hits'), '12', 'the new hit() and the running count');
});
