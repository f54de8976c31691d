/**
 * `hotpatch watch` from a terminal: the same engine as the language server, printing each
 * patch's outcome and time, and the migration message when a state type changed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { cliBin } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

/** `hotpatch watch src/` of `app`, its output as it comes; stopped after the test. */
async function watching(app: App): Promise<{ output: () => string }> {
  const watcher = spawn(process.execPath, [cliBin, 'watch', app.file('src'), '--debounce', '20'], {
    env: { ...process.env, HOTPATCH_DISCOVERY_DIR: app.discoveryDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  watcher.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  after(() => {
    watcher.kill('SIGINT');
  });
  await waitFor('the watcher to start', () => output.includes('watching '));
  return { output: () => output };
}

test('hotpatch watch: a saved greeting goes live; a state type change without codeChange is refused with the message', async () => {
  const app = await App.startExample();
  after(() => app.stop());
  await app.get('/?name=ann');
  const watch = await watching(app);

  app.edit('src/greeting.ts', (text) => text.replace('Hello', 'Moin'));
  await waitFor('the greeting patch', () => /✓ greeting\.ts in \d+\.\d ms/.test(watch.output()), 20_000);
  assert.match(await app.get('/greet?name=bo'), /^Moin, bo!/);

  const visits = app.file('src/visits.ts');
  writeFileSync(
    visits,
    readFileSync(visits, 'utf8')
      .replace('  history: string[];\n}', '  history: string[];\n  since: string;\n}')
      .replace('init: () => ({ count: 0, history: [] }),', "init: () => ({ count: 0, history: [], since: 'now' }),")
      .replace('const next = { count: state.count + 1,', 'const next = { ...state, count: state.count + 1,'),
  );
  await waitFor('the migration message', () => watch.output().includes('✗ visits.ts: not loaded'), 20_000);
  assert.match(watch.output(), /State changed since v1 running in counter-app \(pid \d+\): \+ since: string/);
  assert.match(watch.output(), /add a codeChange\(from, state, extra\)/);
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'] }, 'the app is untouched');
});

test('hotpatch watch: the first save of an interface file is compared with the text the app started with', async () => {
  const app = await App.start('ts-cjs', { fixture: 'ts-holders' });
  after(() => app.stop());
  await app.get('/cats/add?name=Tom');
  const watch = await watching(app);

  const interfaceFile = app.file('src/cat.interface.ts');
  writeFileSync(
    interfaceFile,
    readFileSync(interfaceFile, 'utf8').replace('age: number;', 'age: number;\n  color: string;'),
  );
  await waitFor('the migration message', () => watch.output().includes('✗ cat.interface.ts: not loaded'), 20_000);
  assert.match(watch.output(), /cats\.service\.ts: .*\+ (cat\.)?color: string/);
  assert.doesNotMatch(watch.output(), /are unchanged/);
  assert.deepEqual(JSON.parse(await app.get('/cats')), [{ name: 'Tom', age: 1 }], 'the app is untouched');
});

test('hotpatch watch: an interface file written after the app started and before the watch is not called unchanged at its save', async () => {
  const app = await App.start('ts-cjs', { fixture: 'ts-holders' });
  after(() => app.stop());
  const interfaceFile = app.file('src/cat.interface.ts');
  // The app runs the types it started with; the watch first sees this text, not that one.
  writeFileSync(
    interfaceFile,
    readFileSync(interfaceFile, 'utf8').replace('age: number;', 'age: number;\n  color: string;'),
  );
  const watch = await watching(app);

  writeFileSync(
    interfaceFile,
    readFileSync(interfaceFile, 'utf8').replace('  name: string;', '  /** As the owner calls it. */\n  name: string;'),
  );
  await waitFor('the save', () => watch.output().includes('cat.interface.ts: types only'), 20_000);
  assert.match(
    watch.output(),
    /⚠ cat\.interface\.ts: types only, nothing to load; whether the state types of the modules importing it \(cats\.service\.ts\) changed is not known/,
  );
  assert.doesNotMatch(watch.output(), /are unchanged/);
});
