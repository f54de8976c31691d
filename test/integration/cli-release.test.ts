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

test("one release: a file's new statement reads what another file of the release adds, before either commits; an aborted release leaves nothing of it", async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  assert.equal(await app.get('/hits'), '1');

  // The route is added as app.js's new version runs, at prepare: store.reset must be there then.
  app.edit('store.js', (text) => `${text}exports.reset = () => String((hits = 0));\n`);
  app.edit('app.js', (text) => `${text}routes.set('/reset', store.reset.bind(store));\n`);
  const loaded = await runCli(['load', app.file('store.js'), app.file('app.js')], app.discoveryDir);
  assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  assert.equal(await app.get('/reset'), '0');
  assert.equal(await app.get('/hits'), '1');

  // A release that fails: what its first file added is not left on the face.
  app.edit('store.js', (text) => `${text}exports.extra = () => 'extra';\n`);
  app.edit('app.js', (text) => `${text}routes.set('/extra', store.extra.bind(store)) +;\n`);
  const failed = await runCli(['load', app.file('store.js'), app.file('app.js')], app.discoveryDir);
  assert.equal(failed.code, 1, failed.stdout + failed.stderr);
  app.edit('app.js', (text) =>
    text.replace(
      "routes.set('/extra', store.extra.bind(store)) +;\n",
      "routes.set('/has-extra', () => String('extra' in store));\n",
    ),
  );
  const alone = await runCli(['load', app.file('app.js')], app.discoveryDir);
  assert.equal(alone.code, 0, alone.stdout + alone.stderr);
  assert.equal(await app.get('/has-extra'), 'false');
  // What app.js requires and the app does not run as saved is named (read by acorn: no
  // TypeScript in a run of JavaScript files), with the restart that would run it.
  assert.match(alone.stdout, /store\.js: its saved text is not the version running/);
  assert.match(alone.stdout, /to apply it: hotpatch restart \d+/);
});

test('a release says what did not apply under the file it belongs to: ⚠ for that file, ✓ for the others', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  app.edit('greeting.js', (text) => `${text}exports.install = function (emitter) {\n  emitter.on('a', () => 1);\n};\n`);
  const added = await runCli(['load', app.file('greeting.js')], app.discoveryDir);
  assert.equal(added.code, 0, added.stdout + added.stderr);

  // store.js applies in place; greeting.js's setup function registers something new, which
  // waits for a restart.
  app.edit('store.js', (text) => text.replace('++hits', '(hits += 100)'));
  app.edit('greeting.js', (text) =>
    text.replace("emitter.on('a', () => 1);", "emitter.on('a', () => 1);\n  emitter.on('b', () => 2);"),
  );
  const release = await runCli(['load', app.file('store.js'), app.file('greeting.js')], app.discoveryDir);
  assert.equal(release.code, 0, release.stdout + release.stderr);
  assert.equal(await app.get('/hits'), '100', 'both files went live');
  // Each file's lines: from its ✓ or ⚠ line to the next file's.
  const blocks = release.stdout.split(/\n(?=[✓⚠✗] )/);
  const store = blocks.find((block) => /^✓ .* store\.js: vsn/.test(block));
  const greeting = blocks.find((block) => /^⚠ .* greeting\.js: vsn/.test(block));
  assert.ok(store, `store.js is ✓:\n${release.stdout}`);
  assert.ok(greeting, `greeting.js is ⚠:\n${release.stdout}`);
  assert.doesNotMatch(store, /not applied|restart/, 'store.js applied whole');
  assert.match(greeting, /not applied: exports\.install \(line \d+\) registers something new/);
});
