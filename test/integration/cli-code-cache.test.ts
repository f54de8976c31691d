/**
 * The hotpatch CLI compiles its bundle from V8's code cache (cli/bin/hotpatch.js, cli/build.mjs),
 * kept by the agent's rules (runtime-agent/src/code-cache.ts): the first run makes it once its
 * command has run, as a 0600 file in a 0700 folder; the next runs, whatever their command, read
 * it as it is and work as well; with HOTPATCH_CACHE_DIR empty none is made, and the CLI works.
 * TypeScript, which a load of a TypeScript module requires (its state-type checks), is compiled
 * from a cache of its own by the same rules (extension/src/cli/typescript-code-cache.ts): made by
 * the first such load once it ran, read as it is by the next; a JavaScript load makes none.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { scratchFolder } from '../helpers/scratch';

const cachesOf = (dir: string, library: string): string[] =>
  readdirSync(dir).filter((name) => name.startsWith(`agent-${library}-`) && name.endsWith('.v8cache'));
const cliCaches = (dir: string): string[] => cachesOf(dir, 'cli');

test("the CLI's code cache: made by the first run once its command ran, read as it is by the next runs", async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const dir = join(scratchFolder('cli-code-cache'), 'cache');
  const cli = (args: string[]) => runCli(args, app.discoveryDir, { HOTPATCH_CACHE_DIR: dir });

  const listed = await cli(['ls']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /greeting\.js/);
  const [made, ...others] = cliCaches(dir);
  assert.ok(made, 'the cache is made as the first run ends');
  assert.deepEqual(others, []);
  assert.doesNotMatch(made, /\.start\.v8cache$/, 'made after the command ran, not before');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const written = statSync(join(dir, made));
  assert.equal(written.mode & 0o777, 0o600);

  app.edit('greeting.js', (text) => text.replace('hello', 'howdy'));
  const loaded = await cli(['load', app.file('greeting.js')]);
  assert.equal(loaded.code, 0, loaded.stderr + loaded.stdout);
  assert.equal(await app.get('/greet?name=ann'), 'howdy, ann');
  const again = await cli(['ls', '--json']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal((JSON.parse(again.stdout) as { agents: unknown[] }).agents.length, 1);

  // A cache V8 rejected would have been removed and made anew.
  assert.deepEqual(cliCaches(dir), [made]);
  assert.deepEqual(cachesOf(dir, 'typescript'), [], 'a JavaScript load does not load TypeScript');
  const reread = statSync(join(dir, made));
  assert.deepEqual([reread.ino, reread.mtimeMs], [written.ino, written.mtimeMs], 'read as it is, not made again');
});

test('a load of a TypeScript module compiles TypeScript from its own cache, made by the first such load', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const dir = join(scratchFolder('cli-typescript-cache'), 'cache');
  const load = async (step: string) => {
    app.edit('src/store.ts', (text) => text.replace(/\+\+hits|hits \+= \d+/, step));
    const loaded = await runCli(['load', app.file('src/store.ts')], app.discoveryDir, { HOTPATCH_CACHE_DIR: dir });
    assert.equal(loaded.code, 0, loaded.stderr + loaded.stdout);
    assert.match(loaded.stdout, /state types [\d.]+ ms/, 'its state types were checked, with TypeScript');
  };
  assert.equal(await app.get('/hits'), '1');

  await load('hits += 2');
  const [made, ...others] = cachesOf(dir, 'typescript');
  assert.ok(made, "TypeScript's cache is made as the first run ends");
  assert.deepEqual(others, []);
  assert.doesNotMatch(made, /\.start\.v8cache$/, 'made after the load ran, with what it compiled');
  const written = statSync(join(dir, made));
  assert.equal(written.mode & 0o777, 0o600);
  assert.equal(await app.get('/hits'), '3', 'the new code runs on the kept count');

  await load('hits += 3');
  assert.equal(await app.get('/hits'), '6');
  assert.deepEqual(cachesOf(dir, 'typescript'), [made]);
  const reread = statSync(join(dir, made));
  assert.deepEqual([reread.ino, reread.mtimeMs], [written.ino, written.mtimeMs], 'read as it is, not made again');
});

test('with HOTPATCH_CACHE_DIR empty the CLI keeps no cache and works as well', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const home = scratchFolder('cli-no-cache');
  const listed = await runCli(['ls'], app.discoveryDir, { HOTPATCH_CACHE_DIR: '', HOME: home });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /greeting\.js/);
  assert.equal(existsSync(join(home, '.hotpatch')), false, 'nothing written under the home folder either');
});
