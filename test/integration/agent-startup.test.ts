/**
 * What the agent costs an app at startup (issue 13): the WebSocket and JSON-RPC libraries and
 * the protocol's schemas load with the first client, not with the app. And that client, and
 * every later one, is served as before. Preloaded, the agent listens once the app's event loop
 * turns: a process that ends before never loads what listening needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { scratchFolder } from '../helpers/scratch';

/** Runs `code` with the agent preloaded; returns its exit, the built-ins it loaded, and the discovery records it left. */
function runPreloaded(code: string): { status: number | null; stderr: string; builtins: string[]; records: string[] } {
  const folder = scratchFolder('preloaded');
  const discovery = join(folder, 'discovery');
  const report = "process.on('exit', () => console.log(JSON.stringify(process.moduleLoadList)));";
  const run = spawnSync(process.execPath, ['-r', 'hotpatch-agent/register', '-e', `${report}\n${code}`], {
    cwd: folder,
    env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discovery, HOTPATCH_QUIET: '1', NODE_ENV: 'development' },
    encoding: 'utf8',
  });
  const loaded = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
  return {
    status: run.status,
    stderr: run.stderr,
    builtins: loaded.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)),
    records: existsSync(discovery) ? readdirSync(discovery) : [],
  };
}

test('a preloaded process that ends before its event loop turns never listens, nor loads http or crypto', () => {
  const ended = runPreloaded('0');
  assert.equal(ended.status, 0, ended.stderr);
  for (const builtin of ['http', 'crypto', 'v8']) {
    assert.ok(!ended.builtins.includes(builtin), `${builtin} loaded: ${ended.builtins.join(' ')}`);
  }
  assert.deepEqual(ended.records, [], 'no discovery record was written');

  // The same process with something to do: the agent listens in its first turn, and says so.
  const waited = runPreloaded(
    "const { runningAgent } = require('hotpatch-agent');\n" +
      'const check = setInterval(() => { try { console.error(runningAgent().url); clearInterval(check); } catch {} }, 5);',
  );
  assert.equal(waited.status, 0, waited.stderr);
  assert.match(waited.stderr, /^ws:\/\/127\.0\.0\.1:\d+$/m, 'the agent listened');
  assert.ok(waited.builtins.includes('http'));
});

test('zod, ws and vscode-jsonrpc load when the first client connects, not when the app starts', async () => {
  const app = await App.start('cjs', { fixture: 'loaded-libraries' });
  after(() => app.stop());
  assert.equal(await app.get('/'), '', 'none of them is loaded before a client connects');

  const first = await app.connect();
  after(() => first.close());
  assert.deepEqual(
    (await first.modules()).map((m) => m.file),
    [app.file('app.js')],
  );
  assert.equal(await app.get('/'), 'vscode-jsonrpc,ws,zod');

  const second = await app.connect();
  after(() => second.close());
  assert.equal((await second.modules()).length, 1, 'a second client is served by the same handlers');
});

test("an ES module's first version, whose tables are read at its first load, takes a load and a rollback to it", async () => {
  const app = await App.start('esm');
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('greeting.mjs');
  const greeter = (vsn: string, word: string): string =>
    `export const vsn = '${vsn}';\nexport class Greeter {\n  greet(name) {\n    return \`${word}, \${name}\`;\n  }\n}\n` +
    `const greeter = new Greeter();\nexport function greet(name) {\n  return greeter.greet(name);\n}\n`;

  await client.load({ file, code: greeter('2', 'hi') });
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');

  await client.rollback({ files: [file] });
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann', 'back to the version the app started with');
  assert.equal((await client.modules()).find((m) => m.file === file)?.current.vsn, '1');

  await client.load({ file, code: greeter('3', 'hey') });
  assert.equal(await app.get('/greet?name=ann'), 'hey, ann');
});
