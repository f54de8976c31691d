/**
 * Node's compile cache for the app's modules (runtime-agent/src/code-server/app-compile-cache.ts,
 * Node ≥ 22.1): the preload turns it on in a folder of the agent's cache per project, mode 0700,
 * whose entries are written once the app has had a turn; the next start takes the modules made
 * live from it and they still take new versions. Never in a folder another user could have put
 * entries in (the entries are code the app runs), nor in place of the app's own NODE_COMPILE_CACHE.
 *
 * The entries are written as the app's first turn ends, before it can answer a request: where a
 * test asserts that none was written, the app has answered one.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { projectName } from '../../runtime-agent/src/code-server/transform-cache';
import { App } from '../helpers/app';
import { nodeRuntimes } from '../helpers/paths';
import { scratchFolder } from '../helpers/scratch';
import { waitFor } from '../helpers/wait';

const runtime = nodeRuntimes().find((r) => r.major >= 22);
const skip = !runtime && 'no Node ≥ 22 here (Node 20 has no compile cache)';

/** Every file in `dir` and the folders below it (Node keeps a folder per Node version). */
function entries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The folder the agent gives the ES module fixture's project (its working folder and entry, as appStarted names it). */
function projectFolder(cache: string, app: App): string {
  return join(cache, 'compiled', projectName(`${app.dir}\0${app.file('app.mjs')}`));
}

async function startEsm(env: Record<string, string>, instanceOf?: App): Promise<App> {
  const app = await App.start('esm', { runtime, env, instanceOf });
  after(() => app.stop());
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  return app;
}

test(
  'the app’s modules are compiled once into a 0700 folder of its own; the next start takes them, and they take new versions',
  { skip },
  async () => {
    const cache = join(scratchFolder('app-compile-cache'), 'cache');
    const first = await startEsm({ HOTPATCH_CACHE_DIR: cache });
    const folder = projectFolder(cache, first);
    const written = await waitFor('the compiled modules written', () => {
      const files = entries(folder);
      return files.length >= 3 ? files : undefined; // app.mjs, greeting.mjs, store.mjs
    });
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    const mtimes = new Map(written.map((file) => [file, statSync(file).mtimeMs]));

    // Another start of the same project (the first one still runs: its folder is the project's).
    const second = await startEsm({ HOTPATCH_CACHE_DIR: cache }, first);
    for (const [file, mtimeMs] of mtimes) assert.equal(statSync(file).mtimeMs, mtimeMs, `${file}: taken as it was`);
    const client = await second.connect();
    after(() => client.close());
    const code = "export const vsn = '2';\nexport function greet(name) {\n  return `howdy, ${name}`;\n}\n";
    const result = await client.load({ file: second.file('greeting.mjs'), code, source: code, origin: 'editor' });
    assert.equal(result.module.current.vsn, '2');
    assert.equal(await second.get('/greet?name=ann'), 'howdy, ann');
  },
);

test('a project folder others can enter is not used: nothing is compiled into it', { skip }, async () => {
  const cache = join(scratchFolder('app-compile-cache'), 'cache');
  const probe = await startEsm({ HOTPATCH_CACHE_DIR: join(cache, '..', 'probe') });
  const folder = projectFolder(cache, probe);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o755);

  await startEsm({ HOTPATCH_CACHE_DIR: cache }, probe);

  assert.deepEqual(entries(folder), []);
  assert.equal(statSync(folder).mode & 0o777, 0o755, 'left as it was found');
});

test('an app that turned the compile cache on itself keeps its own folder', { skip }, async () => {
  const scratch = scratchFolder('app-compile-cache');
  const cache = join(scratch, 'cache');
  const own = join(scratch, 'own');
  const app = await startEsm({ HOTPATCH_CACHE_DIR: cache, NODE_COMPILE_CACHE: own });
  await waitFor('the app’s own folder to get the compiled modules', () => entries(own).length >= 3);
  assert.deepEqual(entries(projectFolder(cache, app)), []);
});
