/**
 * The agent's other entry points and requests, against a real app: `start()` from code with
 * options, `hotpatch ls`, purge and soft purge, reading a version's source.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { waitFor } from '../helpers/wait';

test('start(options) from code: the app name and exclude patterns apply', async () => {
  const app = await App.start('cjs', { fixture: 'cjs-start', args: ['app.js'] });
  after(() => app.stop());
  assert.equal(app.record.appName, 'started-from-code');
  const client = await app.connect();
  after(() => client.close());
  const files = (await client.modules()).map((m) => m.file).sort();
  assert.deepEqual(files, [app.file('greeting.js')], 'app.js loaded before start(); store.js excluded');
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
});

test('hotpatch ls lists agents with modules and versions, as text and JSON', async () => {
  const app = await App.start('ts-cjs');
  after(() => app.stop());
  app.edit('src/greeting.ts', (text) => text.replace("vsn = '1'", "vsn = '2'"));
  assert.equal((await runCli(['load', app.file('src/greeting.ts')], app.discoveryDir)).code, 0);

  const json = await runCli(['ls', '--json'], app.discoveryDir);
  assert.equal(json.code, 0, json.stderr);
  const { agents } = JSON.parse(json.stdout) as { agents: { pid: number; modules: ModuleInfo[] }[] };
  assert.equal(agents.length, 1);
  assert.equal(agents[0]!.pid, app.child.pid);
  const greeting = agents[0]!.modules.find((m) => m.file === app.file('dist/greeting.js'));
  assert.deepEqual(
    [greeting?.current.vsn, greeting?.current.seq, greeting?.old?.vsn, greeting?.sources],
    ['2', 2, '1', [app.file('src/greeting.ts')]],
  );

  const text = await runCli(['ls'], app.discoveryDir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`fixture-ts-cjs \\(pid ${app.child.pid}, node v\\d+`));
  assert.match(text.stdout, /dist\/greeting\.js ← src\/greeting\.ts {2}\[cjs\] {2}current 2 \(#2, cli\), old 1 \(#1\)/);
});

test('hotpatch ls with no agents says so', async () => {
  const empty = await runCli(['ls'], '/nonexistent-hotpatch-discovery');
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /no running agents/);
});

test('purge drops the old version and notifies; soft purge with nothing old reports so', async () => {
  const app = await App.start('esm');
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('greeting.mjs');
  const purgedEvents: ModuleInfo[] = [];
  client.on('modulePurged', (m) => purgedEvents.push(m));

  await client.load({ file, code: "export const vsn = '2';\nexport function greet(n) {\n  return `v2 ${n}`;\n}\n" });
  assert.equal((await client.source(file, 'old')).version.vsn, '1');
  const purged = await client.purge(file);
  assert.deepEqual([purged.purged, purged.module.old, purged.module.current.vsn], [true, null, '2']);
  await waitFor('modulePurged', () => purgedEvents.length === 1);
  await assert.rejects(client.source(file, 'old'), /has no old version/);

  const again = await client.softPurge(file);
  assert.equal(again.purged, false);
  assert.equal(await app.get('/greet?name=ann'), 'v2 ann', 'purging old code leaves the current serving');
});

test('without source maps, a .ts file maps to its module through tsconfig rootDir → outDir', async () => {
  const app = await App.start('ts-cjs', {
    fixture: 'ts-cjs-nomap',
    args: ['-r', 'hotpatch-agent/register', 'dist/app.js'],
  });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const greeting = (await client.modules()).find((m) => m.file === app.file('dist/greeting.js'));
  assert.deepEqual(greeting?.sources, [], 'no source map names the .ts file');
  app.edit('src/greeting.ts', (text) => text.replace('hello', 'mapped'));
  const load = await runCli(['load', app.file('src/greeting.ts')], app.discoveryDir);
  assert.equal(load.code, 0, load.stderr + load.stdout);
  assert.match(load.stdout, /dist\/greeting\.js: vsn 1 \(#2\) is current/);
  assert.equal(await app.get('/greet?name=ann'), 'mapped, ann');
});
