/**
 * The agent's library loaded with V8's code cache (runtime-agent/src/code-cache.ts): made once
 * the agent has read one of the app's modules (a process that read none leaves a cache the next
 * one that does replaces), kept in a folder only its user can write, as a 0600 file, used by the
 * next start, removed when V8 rejects it and made anew; never read from or written to a folder
 * others can write, never written through a symbolic link. The hooks thread's library (Node 20)
 * has its own, and so have the parser libraries, a bundle of their own loaded to read a module,
 * and the transport's libraries, loaded at the first connection: theirs are made once more a
 * second after the first version committed, holding the code a save runs. The app's own `require`/`import` of the library gets the preloaded agent.
 *
 * A CommonJS app's agent makes its cache as the app's first turn ends, before the app can answer
 * a request: where a test asserts that none was made, the app has answered one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { inThreadHooksWork } from '../../runtime-agent/src/agent';
import { App } from '../helpers/app';
import { repoRoot, tmpRoot } from '../helpers/paths';
import { scratchFolder } from '../helpers/scratch';
import { waitFor } from '../helpers/wait';

/** A folder that does not exist yet (the agent makes it), removed after the test. */
function cacheFolder(): string {
  return join(scratchFolder('code-cache'), 'cache');
}

async function startWithCache(dir: string, instanceOf?: App): Promise<App> {
  const app = await App.start('cjs', { env: { HOTPATCH_CACHE_DIR: dir }, instanceOf });
  after(() => app.stop());
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  return app;
}

const cacheFiles = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.v8cache'));
/** The cache of the library in the app's thread (not the hooks thread's, nor an old one). */
const libraryCaches = (dir: string): string[] => cacheFiles(dir).filter((name) => name.startsWith('agent-index-'));
/** The name of the app's thread's cache made after reading the app, once it is there. */
const madeCache = (dir: string): Promise<string> =>
  waitFor('the cache made once the agent read the app', () =>
    libraryCaches(dir).find((name) => !name.endsWith('.start.v8cache') && !name.endsWith('.saved.v8cache')),
  );
/** The name of the parser libraries' cache, made once they read a module, once it is there. */
const madeParserCache = (dir: string): Promise<string> =>
  waitFor("the parser libraries' cache", () =>
    cacheFiles(dir).find((name) => name.startsWith('agent-parser-libraries-')),
  );

test('the first start writes the cache (0600, in a 0700 folder); the next start uses it as it is', async () => {
  const dir = cacheFolder();
  await startWithCache(dir);
  const names = [await madeCache(dir), await madeParserCache(dir)];
  assert.deepEqual(cacheFiles(dir).sort(), names.sort());
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  const written = names.map((name) => statSync(join(dir, name)));
  for (const stats of written) assert.equal(stats.mode & 0o777, 0o600);

  await startWithCache(dir);

  names.forEach((name, i) => {
    const again = statSync(join(dir, name));
    assert.deepEqual(
      [again.ino, again.mtimeMs],
      [written[i]!.ino, written[i]!.mtimeMs],
      `${name} accepted: not made again`,
    );
  });
});

test('a cache V8 rejects is replaced by the start that rejected it, the app starting all the same', async () => {
  const dir = cacheFolder();
  await startWithCache(dir);
  const name = await madeCache(dir);
  const file = join(dir, name);
  const garbage = Buffer.alloc(4096, 0x5a);
  writeFileSync(file, garbage);

  await startWithCache(dir);

  await waitFor('a cache of the library again', () => existsSync(file) && !readFileSync(file).equals(garbage));
  assert.deepEqual(libraryCaches(dir), [name]);
  assert.ok(statSync(file).size > 10_000);
});

test("a process that exits before reading a module leaves a start's cache, which the next start that reads one replaces", async () => {
  const dir = cacheFolder();
  const exited = spawnSync(process.execPath, ['-r', 'hotpatch-agent/register', '-e', 'setTimeout(() => {}, 1)'], {
    cwd: tmpRoot,
    env: { ...process.env, HOTPATCH_CACHE_DIR: dir, HOTPATCH_DISCOVERY_DIR: join(dir, '..', 'discovery') },
    encoding: 'utf8',
  });
  assert.equal(exited.status, 0, exited.stderr);
  const [started] = libraryCaches(dir);
  assert.match(started ?? '', /\.start\.v8cache$/, 'written at its exit');

  await startWithCache(dir);

  assert.equal(await madeCache(dir), started!.replace('.start.v8cache', '.v8cache'));
  assert.deepEqual(libraryCaches(dir), [started!.replace('.start.v8cache', '.v8cache')], "the start's cache is gone");
});

test("a start that reads no module and finds no cache of the library makes a start's cache as its first turn ends, which the next start uses: a signal ends it without an exit", async () => {
  const dir = cacheFolder();
  const first = await startWithCache(dir);
  const warm = await madeCache(dir);
  // Its cache gone (another build's or Node's pushed it out), the app's modules still in the
  // transform cache: the next start of the app in the same folder reads none of them, so it never works.
  rmSync(join(dir, warm));

  const second = await startWithCache(dir, first);
  const started = warm.replace(/\.v8cache$/, '.start.v8cache');
  assert.deepEqual(libraryCaches(dir), [started], 'made while the app runs, not at an exit a signal never gives');
  const written = statSync(join(dir, started));
  await second.stop();

  await startWithCache(dir, first);
  assert.deepEqual(libraryCaches(dir), [started]);
  const again = statSync(join(dir, started));
  assert.deepEqual([again.ino, again.mtimeMs], [written.ino, written.mtimeMs], 'read as it is, not made again');
});

test("an ES module app's start makes the cache of the library in the app's thread, its modules read in the hooks thread on Node 20", async () => {
  const dir = cacheFolder();
  const app = await App.start('esm', { env: { HOTPATCH_CACHE_DIR: dir } });
  after(() => app.stop());
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
  await waitFor("the library's cache", () => libraryCaches(dir).length === 1);
});

test("a version committed makes the parser's cache once more, with the save's code, and leaves the library's as it was: every start reads that one", async () => {
  const dir = cacheFolder();
  const app = await startWithCache(dir);
  const warm = await madeCache(dir);
  const parserWarm = await madeParserCache(dir);
  const warmWritten = statSync(join(dir, warm));
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('greeting.js');
  await client.load({ file, code: readFileSync(file, 'utf8').replace("vsn = '1'", "vsn = '2'"), origin: 'cli' });

  // Made a second after the first commit: a cache of the library's made then would be there
  // first (its wait started first, as the app started).
  const parserSaved = await waitFor("the parser's cache made after the first commit", () =>
    cacheFiles(dir).find((name) => name.startsWith('agent-parser-libraries-') && name.endsWith('.saved.v8cache')),
  );
  assert.equal(parserSaved, parserWarm.replace(/\.v8cache$/, '.saved.v8cache'));
  assert.deepEqual(libraryCaches(dir), [warm], "no cache of the library's with the save's code");
  const now = statSync(join(dir, warm));
  assert.deepEqual([now.ino, now.mtimeMs], [warmWritten.ino, warmWritten.mtimeMs], 'the warm cache not made again');
});

test('the folder keeps the 32 newest caches: older ones (other builds, other Node versions) are removed', async () => {
  const dir = cacheFolder();
  mkdirSync(dir, { mode: 0o700 });
  const day = 24 * 3600;
  const now = Date.now() / 1000;
  for (let age = 1; age <= 33; age++) {
    const file = join(dir, `agent-old-${age}.v8cache`);
    writeFileSync(file, 'old', { mode: 0o600 });
    utimesSync(file, now - age * day, now - age * day);
  }

  await startWithCache(dir);
  const made = [await madeCache(dir), await madeParserCache(dir)];

  const kept = cacheFiles(dir);
  assert.equal(kept.length, 32);
  assert.deepEqual(
    kept.filter((name) => !name.startsWith('agent-old-')).sort(),
    made.sort(),
    "the new caches (the library's, the parser libraries') are kept",
  );
  assert.deepEqual(
    kept.filter((name) => name.startsWith('agent-old-')).sort(),
    Array.from({ length: 30 }, (_, i) => `agent-old-${i + 1}.v8cache`).sort(),
    'the three oldest were removed',
  );
});

test("the transport's libraries load at the first connection, from a bundle with its own cache, which the next start's first connection uses as it is", async () => {
  const dir = cacheFolder();
  const transportCache = (): string | undefined =>
    cacheFiles(dir).find((name) => name.startsWith('agent-transport-libraries-'));
  const first = await startWithCache(dir);
  await madeCache(dir);
  assert.equal(transportCache(), undefined, 'no client yet: ws, vscode-jsonrpc and zod not loaded');

  const client = await first.connect();
  after(() => client.close());
  assert.ok((await client.modules()).length > 0);
  const name = await waitFor("the transport libraries' cache", transportCache);
  const written = statSync(join(dir, name));
  assert.equal(written.mode & 0o777, 0o600);
  client.close();
  await first.stop();

  const second = await startWithCache(dir);
  const again = await second.connect();
  after(() => again.close());
  assert.ok((await again.modules()).length > 0);
  const reread = statSync(join(dir, name));
  assert.deepEqual([reread.ino, reread.mtimeMs], [written.ino, written.mtimeMs], 'accepted: not made again');
});

test('a cache folder others can write to is neither read nor written', async () => {
  const dir = cacheFolder();
  mkdirSync(dir, { mode: 0o700 });
  chmodSync(dir, 0o777);

  await startWithCache(dir);

  assert.deepEqual(cacheFiles(dir), []);
});

test('a symbolic link at the cache file name is not followed: its target is left as it was', async () => {
  const dir = cacheFolder();
  await startWithCache(dir);
  const name = await madeCache(dir);
  const target = join(dir, '..', 'elsewhere');
  writeFileSync(target, 'not a cache');
  const file = join(dir, name);
  rmSync(file);
  symlinkSync(target, file);

  await startWithCache(dir);

  await waitFor('the link replaced by a cache of its own', () => lstatSync(file).isFile());
  assert.equal(readFileSync(target, 'utf8'), 'not a cache');
});

test(
  "where the module hooks have a thread of their own, their library has its own cache, made and used as the app's thread's",
  { skip: inThreadHooksWork() && "this Node runs the module hooks in the app's thread" },
  async () => {
    const dir = cacheFolder();
    const start = async (): Promise<void> => {
      const app = await App.start('esm', { env: { HOTPATCH_CACHE_DIR: dir } });
      after(() => app.stop());
      assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
    };
    await start();
    // The hooks thread checks now and then whether it has read a module: it has, before the
    // app could answer, so it writes its cache at its next check.
    const hooksCache = await waitFor('the hooks thread to write its cache', () =>
      cacheFiles(dir).find((name) => name.startsWith('agent-esm-hooks-library-')),
    );
    assert.doesNotMatch(hooksCache, /\.start\./);
    const written = statSync(join(dir, hooksCache)).mtimeMs;

    await start();

    assert.equal(statSync(join(dir, hooksCache)).mtimeMs, written, 'accepted by V8: not made again');
  },
);

test("an ES module app importing the library gets the library the preload loaded: its server is in the agent's process table", async () => {
  const app = await App.start('esm', {
    fixture: 'esm-library',
    args: ['--import', 'hotpatch-agent/register', 'app.mjs'],
    env: { HOTPATCH_CACHE_DIR: cacheFolder() },
  });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  assert.equal(await app.get('/same'), 'true', 'the library was loaded once, by the preload');
  const processes = await client.processes();
  assert.deepEqual(
    processes.map((p) => p.name),
    ['library-counter'],
  );
});

test('module hooks that fail to start leave the app running, not hot, and say why on stderr', () => {
  const dir = scratchFolder('hooks-start');
  writeFileSync(join(dir, 'answer.mjs'), 'export const answer = 42;\n');
  // The hooks thread's entry registered with data it cannot start from (no rules): its start throws.
  const hooks = join(repoRoot, 'runtime-agent', 'dist', 'esm-hooks.mjs');
  const app = [
    "import { register } from 'node:module';",
    `register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { app: 'app' } });`,
    "const { answer } = await import('./answer.mjs');",
    'console.log(`answer ${answer}`);',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', app], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, HOTPATCH_CACHE_DIR: cacheFolder() },
    timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'answer 42');
  assert.match(run.stderr, /\[hotpatch\] ES modules not hot: the module hooks did not start: /);
});

test("a library's text is read as written: ASCII (what esbuild writes), and UTF-8, with the cache made and then used", () => {
  const folder = scratchFolder('code-cache-text');
  const dir = join(folder, 'cache');
  const libraries = { 'ascii.js': 'plain text', 'utf8.js': 'naïve café ✓ 漢字' };
  for (const [name, text] of Object.entries(libraries))
    writeFileSync(join(folder, name), `module.exports = ${JSON.stringify(text)};\n`, 'utf8');
  const loader = join(repoRoot, 'runtime-agent', 'dist', 'code-cache.js');
  const load = (name: string): string => {
    const run = spawnSync(
      process.execPath,
      [
        '-e',
        `const lib = require(${JSON.stringify(loader)}).requireWithCodeCache(${JSON.stringify(join(folder, name))}, ${JSON.stringify(dir)});
         lib.saveWhenWarm(() => true);
         process.stdout.write(lib.exports);`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    return run.stdout;
  };
  for (const [name, text] of Object.entries(libraries)) {
    assert.equal(load(name), text, `${name} compiled`);
    assert.ok(
      cacheFiles(dir).some((file) => file.startsWith(`agent-${name.replace('.js', '')}-`)),
      `${name}: a cache made`,
    );
    assert.equal(load(name), text, `${name} from its cache`);
  }
});
