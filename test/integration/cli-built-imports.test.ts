/**
 * A tsc app loaded through its built files (`hotpatch load dist/app.js`, as after `tsc --watch`):
 * what the loaded file imports is compared with what the app runs by its TypeScript source, so a
 * rebuild that rewrote every file says nothing of those unchanged, and names the one saved but
 * not loaded.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { repoRoot } from '../helpers/paths';

function rebuild(app: App): void {
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app.dir]);
}

test('hotpatch load of a built file: its unchanged imports give no warning; an import saved and not loaded is named', async () => {
  const app = await App.start('ts-cjs');
  after(() => app.stop());
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');

  // Every file of dist/ is written again; only app.js's text changed.
  app.edit('src/app.ts', (text) => text.replace("['/hits', () => String(hit())]", "['/hits', () => `hits: ${hit()}`]"));
  rebuild(app);
  const clean = await runCli(['load', app.file('dist/app.js')], app.discoveryDir);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /✓ .*dist\/app\.js: vsn/);
  assert.doesNotMatch(clean.stdout + clean.stderr, /is not the version running/);
  assert.equal(await app.get('/hits'), 'hits: 1');

  // store.ts saved and built, but only app.js loaded: the app runs the old store.
  app.edit('src/store.ts', (text) => text.replace('++hits', '(hits += 10)'));
  app.edit('src/app.ts', (text) => text.replace('`hits: ${hit()}`', '`hit count: ${hit()}`'));
  rebuild(app);
  const stale = await runCli(['load', app.file('dist/app.js')], app.discoveryDir);
  assert.equal(stale.code, 0, stale.stdout + stale.stderr);
  assert.match(stale.stdout + stale.stderr, /store\.js: its saved text is not the version running/);
  assert.doesNotMatch(stale.stdout + stale.stderr, /greeting\.js: its saved text/);
  assert.equal(await app.get('/hits'), 'hit count: 2');
});
