/**
 * The transform cache (runtime-agent/src/code-server/transform-cache.ts): a hot module's first
 * version as the agent made it live, kept by its code in one log per project, so a restart
 * does not read unchanged modules again. What it holds is code the app runs: only a log that is
 * this user's regular file, in a folder only this user can write, is used. A module started
 * from the cache takes a new version as one that was read does: its tables are read at its
 * first load.
 *
 * Each test starts a second instance of an app on the same files (as a restart would find
 * them), after the first has filled the cache; a record altered between the two shows whether
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
import { spawnSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { logRecord } from '../../runtime-agent/src/code-server/transform-log';
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

/** The log of the one project that ran in `cache` (an app's instances share it). */
function logOf(cache: string): string {
  const [folder, ...others] = transformFolders(cache);
  assert.ok(folder, 'the first start filled the cache');
  assert.deepEqual(others, []);
  const logs = readdirSync(folder).filter((name) => name.endsWith('.log'));
  assert.equal(logs.length, 1, `one log in ${readdirSync(folder).join(', ')}`);
  return join(folder, logs[0]!);
}

/** A record of the log, its fields read from its header (see transform-log.ts). */
interface LogRecord {
  kind: string;
  file: string;
  source: string;
  transform: { code: string };
  bytes: Buffer;
}

/** The records of `log`, in the order they were written. */
function recordsOf(log: string): LogRecord[] {
  const bytes = readFileSync(log);
  const records: LogRecord[] = [];
  for (let at = 0; at < bytes.length;) {
    const headerEnd = bytes.indexOf('\n', at);
    const [kind, file, sourceBytes, codeBytes, rest] = bytes.toString('utf8', at, headerEnd).split('\t');
    const codeStart = headerEnd + 1 + Number(sourceBytes);
    const end = codeStart + Number(codeBytes) + 1;
    records.push({
      kind: kind!,
      file: JSON.parse(file!) as string,
      source: bytes.toString('utf8', headerEnd + 1, codeStart),
      transform: { ...(JSON.parse(rest!) as object), code: bytes.toString('utf8', codeStart, end - 1) },
      bytes: bytes.subarray(at, end),
    });
    at = end;
  }
  return records;
}

const textsOf = (log: string): string[] => recordsOf(log).map((r) => r.bytes.toString('utf8'));

/** The log, with the record of the module whose live code contains `marker` changed by `change`. */
function alterRecord(cache: string, marker: string, change: (record: LogRecord) => Buffer): string {
  const log = logOf(cache);
  const records = recordsOf(log);
  const found = records.filter((r) => r.transform.code.includes(marker));
  assert.equal(found.length, 1, `one record holds ${marker}`);
  writeFileSync(log, Buffer.concat(records.map((r) => (r === found[0] ? change(r) : r.bytes))));
  return log;
}

/** The log holds `records` as they were, then one record: the edited greeting's (howdy). */
function assertEditAfter(log: string, records: string[], message: string): void {
  const after = textsOf(log);
  assert.deepEqual(after.slice(0, records.length), records, message);
  assert.equal(after.length, records.length + 1);
  assert.match(after.at(-1)!, /howdy, /);
}

/**
 * The record with greet's answer changed in its code (not in the source it was made from,
 * which finds it): a start that uses it answers differently.
 */
function altered({ kind, file, source, transform }: LogRecord): Buffer {
  return logRecord(kind, file, source, {
    ...transform,
    code: transform.code.replaceAll('hello, ', 'from the cache, '),
  });
}

for (const kind of ['cjs', 'esm'] as const) {
  test(`${kind}: a restart takes an unchanged module from the cache, and a load into it applies as into one read`, async () => {
    const cache = cacheFolder();
    const first = await start(kind, cache);
    assert.equal(await first.get('/greet?name=ann'), 'hello, ann');
    alterRecord(cache, 'hello, ', altered);

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

test('an edited module is read again, and its new code appended to the log', async () => {
  const cache = cacheFolder();
  const first = await start('cjs', cache);
  const log = logOf(cache);
  const before = textsOf(log);
  first.edit('greeting.js', (text) => text.replace('hello', 'howdy'));

  const second = await start('cjs', cache, first);

  assert.equal(await second.get('/greet?name=ann'), 'howdy, ann');
  assertEditAfter(log, before, 'appended: the records before are as they were');
});

test('a log mostly of superseded records is rewritten with the newest of each', async () => {
  const cache = cacheFolder();
  const first = await start('cjs', cache);
  const log = logOf(cache);
  const records = textsOf(log);
  // As if 100 instances had started together, each appending the same records.
  writeFileSync(log, Array.from({ length: 100 }, () => records.join('')).join(''));
  first.edit('greeting.js', (text) => text.replace('hello', 'howdy'));

  // Its edited module read anew, the second start rewrites the log rather than append to it.
  const second = await start('cjs', cache, first);

  assert.equal(await second.get('/greet?name=ann'), 'howdy, ann');
  assertEditAfter(log, records, 'each record once, in order');
  const third = await start('cjs', cache, first);
  assert.equal(await third.get('/greet?name=ann'), 'howdy, ann');
  assert.equal(recordsOf(log).length, records.length + 1, 'the third start found every module in the log');
});

test("each app keeps its own log: a script started in the same folder does not read or fill the app's", async () => {
  const cache = cacheFolder();
  const app = await start('cjs', cache);
  const log = logOf(cache);
  const appRecords = textsOf(log);
  writeFileSync(app.file('script.js'), "console.log(require('./greeting').greet('script'));\n");

  const script = spawnSync(process.execPath, ['-r', 'hotpatch-agent/register', 'script.js'], {
    cwd: app.dir,
    env: { ...process.env, HOTPATCH_CACHE_DIR: cache, HOTPATCH_DISCOVERY_DIR: app.discoveryDir, HOTPATCH_QUIET: '1' },
    encoding: 'utf8',
  });

  assert.equal(script.status, 0, script.stderr);
  assert.match(script.stdout, /hello, script/);
  assert.deepEqual(textsOf(log), appRecords, "the app's log is as it was");
  const [folder] = transformFolders(cache);
  const logs = readdirSync(folder!).filter((name) => name.endsWith('.log'));
  assert.equal(logs.length, 2, 'a log of its own');
  const scriptLog = recordsOf(
    join(
      folder!,
      logs.find((name) => join(folder!, name) !== log)!,
    ),
  );
  assert.deepEqual(scriptLog.map((record) => basename(record.file)).sort(), ['greeting.js', 'script.js']);
});

test('a log others can write, or a link, is not used: modules are read as if there were none', async () => {
  const cache = cacheFolder();
  const first = await start('cjs', cache);
  const log = alterRecord(cache, 'hello, ', altered);
  chmodSync(log, 0o666);

  const second = await start('cjs', cache, first);
  assert.equal(await second.get('/greet?name=ann'), 'hello, ann');

  const elsewhere = join(cache, '..', 'elsewhere.log');
  writeFileSync(elsewhere, readFileSync(log), { mode: 0o600 });
  rmSync(log);
  symlinkSync(elsewhere, log);

  const third = await start('cjs', cache, first);
  assert.equal(await third.get('/greet?name=ann'), 'hello, ann');
  assert.equal(readFileSync(elsewhere, 'utf8'), readFileSync(log, 'utf8'), 'nothing appended through the link');
});

test('a folder of transforms others can write is neither used nor written', async () => {
  const cache = cacheFolder();
  const first = await start('cjs', cache);
  const log = alterRecord(cache, 'hello, ', altered);
  const [folder] = transformFolders(cache);
  chmodSync(folder!, 0o777);
  const before = readFileSync(log, 'utf8');
  // A module changed since: made live anew, it would be written if the folder were trusted.
  first.edit('app.js', (text) => `${text}// edited\n`);

  const second = await start('cjs', cache, first);

  assert.equal(await second.get('/greet?name=ann'), 'hello, ann');
  assert.equal(readFileSync(log, 'utf8'), before, 'nothing written into it');
  assert.deepEqual(
    readdirSync(folder!).filter((name) => !name.endsWith('.log')),
    [],
    'no other file made in it',
  );
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
