/**
 * The hotpatch CLI compiles its bundle from V8's code cache (cli/bin/hotpatch.js, cli/build.mjs),
 * kept by the agent's rules (runtime-agent/src/code-cache.ts): the first run makes it once its
 * command has run, as a 0600 file in a 0700 folder; the next runs, whatever their command, read
 * it as it is and work as well; with HOTPATCH_CACHE_DIR empty none is made, and the CLI works.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { scratchFolder } from '../helpers/scratch';

const cliCaches = (dir: string): string[] =>
  readdirSync(dir).filter((name) => name.startsWith('agent-cli-') && name.endsWith('.v8cache'));

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
