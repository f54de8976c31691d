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

test('hotpatch watch: a saved greeting goes live; a state type change without codeChange is refused with the message', async () => {
  const app = await App.startExample();
  after(() => app.stop());
  await app.get('/?name=ann');
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

  app.edit('src/greeting.ts', (text) => text.replace('Hello', 'Moin'));
  await waitFor('the greeting patch', () => /✓ greeting\.ts in \d+\.\d ms/.test(output), 20_000);
  assert.match(await app.get('/greet?name=bo'), /^Moin, bo!/);

  const visits = app.file('src/visits.ts');
  writeFileSync(
    visits,
    readFileSync(visits, 'utf8')
      .replace('  history: string[];\n}', '  history: string[];\n  since: string;\n}')
      .replace('init: () => ({ count: 0, history: [] }),', "init: () => ({ count: 0, history: [], since: 'now' }),")
      .replace('const next = { count: state.count + 1,', 'const next = { ...state, count: state.count + 1,'),
  );
  await waitFor('the migration message', () => output.includes('✗ visits.ts: not loaded'), 20_000);
  assert.match(output, /State changed since v1 running in counter-app \(pid \d+\): \+ since: string/);
  assert.match(output, /add a codeChange\(from, state, extra\)/);
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'] }, 'the app is untouched');
});
