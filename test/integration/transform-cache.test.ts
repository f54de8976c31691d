/**
 * The transform cache (runtime-agent/src/code-server/transform-cache.ts): a hot module's first
 * version as the agent made it live, kept by its code, so a restart does not read unchanged
 * modules again. What it holds is code the app runs: only this user's regular files, in a
 * folder only this user can write, are used. A module started from the cache takes a new
 * version as one that was read does: its tables are read at its first load.
 *
 * Each test starts a second instance of an app on the same files (as a restart would find
 * them), after the first has filled the cache; an entry altered between the two shows whether
 * the second used it.
 */
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { App, type AppKind } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { scratchFolder } from '../helpers/scratch';

/** A cache folder of this test's own, removed after it. */
function cacheFolder(): string {
  return join(scratchFolder('transform-cache'), 'cache');
}

async function start(kind: AppKind, cache: string, instanceOf?: App): Promise<App> {
  const app = await App.start(kind, { env: { HOTPATCH_CACHE_DIR: cache }, instanceOf });
  after(() => app.stop());
  return app;
}

/** The folders of transforms in `cache` (one per build of the agent and Node version). */
const transformFolders = (cache: string): string[] =>
  readdirSync(cache)
    .filter((name) => name.startsWith('transforms-'))
    .map((name) => join(cache, name));

/** The entry of the module whose live code contains `marker`. */
function entryWith(cache: string, marker: string): string {
  const [folder, ...others] = transformFolders(cache);
  assert.ok(folder, 'the first start filled the cache');
  assert.deepEqual(others, []);
  const found = readdirSync(folder)
    .map((name) => join(folder, name))
    .filter((file) => readFileSync(file, 'utf8').includes(marker));
  assert.equal(found.length, 1, `one entry holds ${marker}`);
  return found[0]!;
}

/** The entry with greet's answer changed: a start that uses it answers differently. */
function alter(entry: string): string {
  const transform = JSON.parse(readFileSync(entry, 'utf8')) as { code: string };
  return JSON.stringify({ ...transform, code: transform.code.replaceAll('hello, ', 'from the cache, ') });
}

for (const kind of ['cjs', 'esm'] as const) {
  test(`${kind}: a restart takes an unchanged module from the cache, and a load into it applies as into one read`, async () => {
    const cache = cacheFolder();
    const first = await start(kind, cache);
    assert.equal(await first.get('/greet?name=ann'), 'hello, ann');
    const entry = entryWith(cache, 'hello, ');
    writeFileSync(entry, alter(entry));

    const second = await start(kind, cache, first);
    assert.equal(await second.get('/greet?name=ann'), 'from the cache, ann', 'the second start ran the cached code');

    // Its tables are read now, from the code it runs: only what changed is applied.
    const greeting = kind === 'cjs' ? 'greeting.js' : 'greeting.mjs';
    second.edit(greeting, (text) => text.replace('hello', 'howdy').replace("vsn = '1'", "vsn = '2'"));
    const cli = await runCli(['load', second.file(greeting)], second.discoveryDir);
    assert.equal(cli.code, 0, cli.stderr + cli.stdout);
    assert.match(cli.stdout, /applied: .*new code in: .*greet/);
    assert.doesNotMatch(cli.stdout, /not applied/);
    assert.equal(await second.get('/greet?name=ann'), 'howdy, ann');
  });
}

test('an edited module is read again, and its new code added to the cache', async () => {
  const cache = cacheFolder();
  const first = await start('cjs', cache);
  const [folder] = transformFolders(cache);
  const before = readdirSync(folder!).length;
  first.edit('greeting.js', (text) => text.replace('hello', 'howdy'));

  const second = await start('cjs', cache, first);

  assert.equal(await second.get('/greet?name=ann'), 'howdy, ann');
  assert.equal(readdirSync(folder!).length, before + 1);
  entryWith(cache, 'howdy, ');
});

test('an entry others can write, or a link, is not used: the module is read as if there were none', async () => {
  const cache = cacheFolder();
  const first = await start('cjs', cache);
  const entry = entryWith(cache, 'hello, ');
  writeFileSync(entry, alter(entry));
  chmodSync(entry, 0o666);

  const second = await start('cjs', cache, first);
  assert.equal(await second.get('/greet?name=ann'), 'hello, ann');

  const elsewhere = join(cache, '..', 'elsewhere.json');
  writeFileSync(elsewhere, readFileSync(entry), { mode: 0o600 });
  rmSync(entry);
  symlinkSync(elsewhere, entry);

  const third = await start('cjs', cache, first);
  assert.equal(await third.get('/greet?name=ann'), 'hello, ann');
});

test('a folder of transforms others can write is neither used nor written', async () => {
  const cache = cacheFolder();
  const first = await start('cjs', cache);
  const entry = entryWith(cache, 'hello, ');
  writeFileSync(entry, alter(entry));
  const [folder] = transformFolders(cache);
  chmodSync(folder!, 0o777);
  const before = readdirSync(folder!).length;
  // A module changed since: made live anew, it would be written if the folder were trusted.
  first.edit('app.js', (text) => `${text}// edited\n`);

  const second = await start('cjs', cache, first);

  assert.equal(await second.get('/greet?name=ann'), 'hello, ann');
  assert.equal(readdirSync(folder!).length, before, 'nothing written into it');
});

test("the cache keeps the newest builds' transforms: older folders (other builds, other Node versions) are removed", async () => {
  const cache = cacheFolder();
  mkdirSync(cache, { mode: 0o700 });
  const day = 24 * 3600;
  const now = Date.now() / 1000;
  for (let age = 1; age <= 8; age++) {
    const folder = join(cache, `transforms-old-${age}`);
    mkdirSync(folder, { mode: 0o700 });
    utimesSync(folder, now - age * day, now - age * day);
  }

  await start('cjs', cache);

  const kept = transformFolders(cache).map((folder) => basename(folder));
  assert.equal(kept.length, 8);
  assert.ok(
    kept.some((name) => !name.startsWith('transforms-old-')),
    "this build's folder is kept",
  );
  assert.deepEqual(
    kept.filter((name) => name.startsWith('transforms-old-')).sort(),
    [1, 2, 3, 4, 5, 6, 7].map((age) => `transforms-old-${age}`),
    'the oldest was removed',
  );
});
