/**
 * What the agent costs an app at startup (issue 13): the WebSocket and JSON-RPC libraries and
 * the protocol's schemas load with the first client, not with the app. And that client, and
 * every later one, is served as before. Preloaded into a CommonJS app, the agent starts as the
 * first module compiles, or in the event loop's first turn, and listens in that turn: a process
 * that ends before never loads the library, nor what listening needs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { scratchFiles, scratchFolder } from '../helpers/scratch';

/** Runs `code` with the agent preloaded; returns its exit, the built-ins it loaded, and the discovery records it left. */
function runPreloaded(
  code: string,
  folder = scratchFolder('preloaded'),
): { status: number | null; stderr: string; builtins: string[]; records: string[] } {
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

/** The object a run printed on a line of its own (its JSON), or `{}`. */
function reportedObject<T>(output: string): T {
  return JSON.parse(/^\{.*\}$/m.exec(output)?.[0] ?? '{}') as T;
}

test('a preloaded process that ends before its event loop turns never listens, nor loads the library', () => {
  const ended = runPreloaded("if (Object.keys(require.cache).some((f) => f.endsWith('index.js'))) process.exit(3)");
  assert.equal(ended.status, 0, ended.stderr || 'the library was loaded');
  // What the library and its start load: none of them is in Node's startup snapshot.
  for (const builtin of ['http', 'crypto', 'v8', 'vm', 'os', 'worker_threads', 'stream', 'net']) {
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

test("code that wraps _compile before the app's first module: both hooks stay, and the later modules are hot", () => {
  const folder = scratchFiles('wrapping-preload', {
    'first.js': 'module.exports = 1;\n',
    'second.js': 'exports.two = () => 2;\n',
  });
  // An `-e` is not compiled as a module: the agent's start waits for ./first, under this hook.
  const run = runPreloaded(
    "const Module = require('node:module');\nconst { basename } = require('node:path');\n" +
      'const compile = Module.prototype._compile;\nconst wrapped = [];\n' +
      'Module.prototype._compile = function (content, filename, ...rest) {\n' +
      '  wrapped.push(basename(filename));\n  return compile.call(this, content, filename, ...rest);\n};\n' +
      "require('./first');\nconst { two } = require('./second');\n" +
      "const hot = require('hotpatch-agent').runningAgent().codeServer.list().map((m) => basename(m.file));\n" +
      'console.error(JSON.stringify({ two: two(), wrapped, hot }));',
    folder,
  );
  assert.equal(run.status, 0, run.stderr);
  const seen = reportedObject<{ two: number; wrapped: string[]; hot: string[] }>(run.stderr);
  assert.equal(seen.two, 2);
  assert.deepEqual(seen.wrapped, ['first.js', 'second.js'], 'the other hook saw each module once');
  assert.deepEqual(
    seen.hot,
    ['second.js'],
    'the module compiling as the agent started, under the other hook, is not hot',
  );
});

test("the agent's start leaves worker_threads unloaded, and a worker thread the preload reaches starts no agent of its own", () => {
  const folder = scratchFiles('worker-threads', {
    'first.js': 'module.exports = 1;\n',
    'worker.js':
      "const { parentPort } = require('node:worker_threads');\n" +
      "parentPort.postMessage(require('hotpatch-agent').runningAgent() === undefined ? 'no agent' : 'an agent');\n",
  });
  const run = runPreloaded(
    "require('./first');\n" +
      "const { runningAgent } = require('hotpatch-agent');\n" +
      "const atStart = process.moduleLoadList.includes('NativeModule worker_threads');\n" +
      "const { Worker } = require('node:worker_threads');\n" +
      "new Worker(require('node:path').join(process.cwd(), 'worker.js')).once('message', (inWorker) => {\n" +
      '  console.error(JSON.stringify({ main: runningAgent() !== undefined, atStart, inWorker }));\n' +
      '});',
    folder,
  );
  assert.equal(run.status, 0, run.stderr);
  const seen = reportedObject<{ main?: boolean; atStart?: boolean; inWorker?: string }>(run.stderr);
  assert.deepEqual(seen, { main: true, atStart: false, inWorker: 'no agent' });
});

test("zod, ws and vscode-jsonrpc load when the first client connects, not when the app starts, from the agent's bundle of them", async () => {
  const app = await App.start('cjs', { fixture: 'loaded-libraries' });
  after(() => app.stop());
  assert.equal(await app.get('/'), '', 'none of them is loaded before a client connects');

  const first = await app.connect();
  after(() => first.close());
  assert.deepEqual(
    (await first.modules()).map((m) => m.file),
    [app.file('app.js')],
  );
  assert.equal(await app.get('/'), 'bundle', 'none is read from its package');

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
