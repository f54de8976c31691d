/**
 * `hotpatch load`'s load server (extension/src/cli/load-server/): a load of TypeScript starts
 * one for its folder, in the background, and says so; the next loads run in it, with
 * TypeScript and the analysis warm, and say and do what a load in its own process does (the
 * state kept, a changed state type refused with nothing loaded, `--json`, the restart offer on
 * the user's terminal). It listens only in a folder only its user can write, answers a request
 * of the wrong shape with an error and goes on, and ends when stopped or idle.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { waitFor } from '../helpers/wait';

/**
 * The CLI as a user runs it with the load server on, in a folder of its own under a home folder
 * of its own (the servers' sockets go in ~/.hotpatch/servers; a short path, as a socket's must
 * be). The server it leaves up is stopped before both are removed.
 */
function cliFor(app: App, env: NodeJS.ProcessEnv = {}) {
  const homeDir = mkdtempSync(join(tmpdir(), 'hp-'));
  const cwd = join(homeDir, 'project');
  mkdirSync(cwd);
  const run = (args: string[]) =>
    runCli(args, app.discoveryDir, { HOME: homeDir, HOTPATCH_LOAD_SERVER: '1', ...env }, cwd);
  after(async () => {
    await run(['server', 'stop']);
    rmSync(homeDir, { recursive: true, force: true });
  });
  return { cli: run, homeDir, cwd };
}

const sockets = (homeDir: string): string[] => {
  const dir = join(homeDir, '.hotpatch', 'servers');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.sock')) : [];
};

/**
 * The server a first load of the app's store.ts started (it adds 2 to the count per hit), and the
 * path of its socket, once that is there.
 */
async function serverStarted(app: App, cli: ReturnType<typeof cliFor>['cli'], homeDir: string): Promise<string> {
  app.edit('src/store.ts', (text) => text.replace('++hits', '(hits += 2)'));
  assert.equal((await cli(['load', app.file('src/store.ts')])).code, 0);
  const [name] = await waitFor('the socket', () => sockets(homeDir).length === 1 && sockets(homeDir));
  return join(homeDir, '.hotpatch', 'servers', name!);
}

/** `body` as one JSON-RPC message on the socket (vscode-jsonrpc's framing). */
function framed(body: unknown): string {
  const json = JSON.stringify(body);
  return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
}

test('a load of TypeScript starts the load server; the next loads run in it and keep, refuse, report and offer as a load does', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const { cli, homeDir, cwd } = cliFor(app);
  const load = (...args: string[]) => cli(['load', app.file('src/store.ts'), ...args]);
  assert.equal(await app.get('/hits'), '1');

  app.edit('src/store.ts', (text) => text.replace('++hits', '(hits += 2)'));
  const first = await load();
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /✓ .*src\/store\.ts: vsn \S+ \(#2\) is current/);
  assert.match(first.stderr, /started a load server for this folder/);
  assert.equal(await app.get('/hits'), '3');
  const up = await waitFor('the load server', async () => {
    const status = await cli(['server', 'status']);
    return status.stdout.includes('load server pid') && status.stdout;
  });
  assert.match(up, new RegExp(`for ${cwd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, .*: 0 loads`));
  assert.equal(sockets(homeDir).length, 1);

  app.edit('src/store.ts', (text) => text.replace('(hits += 2)', '(hits += 3)'));
  const served = await load();
  assert.equal(served.code, 0, served.stderr + served.stdout);
  assert.match(served.stdout, /✓ .*src\/store\.ts: vsn \S+ \(#3\) is current; .*state types [\d.]+ ms/);
  assert.doesNotMatch(served.stderr, /started a load server/, 'the server was up: none started');
  assert.equal(await app.get('/hits'), '6', 'the new code on the kept count');
  assert.match((await cli(['server', 'status'])).stdout, /: 1 load;/);

  // A changed state type without a codeChange: refused, nothing loaded, the way forward named.
  app.edit('src/store.ts', (text) =>
    text.replace('let hits = 0;', "let hits = { count: 0, by: '' };").replace('(hits += 3)', '++hits.count'),
  );
  const refused = await load();
  assert.equal(refused.code, 1, refused.stderr + refused.stdout);
  assert.match(refused.stderr, /store\.ts.*state/);
  assert.match(refused.stderr, /--migrate/);
  assert.equal(await app.get('/hits'), '9', 'the running code is the one loaded before');

  app.edit('src/store.ts', (text) =>
    text.replace("let hits = { count: 0, by: '' };", 'let hits = 0;').replace('++hits.count', '(hits += 4)'),
  );
  const json = await load('--json');
  assert.equal(json.code, 0, json.stderr + json.stdout);
  const [entry] = JSON.parse(json.stdout) as { ok: boolean; pid: number; version: { seq: number } }[];
  assert.equal(entry?.ok, true);
  assert.equal(entry?.pid, app.record.pid);
  assert.equal(await app.get('/hits'), '13');

  // What app.ts imports and the app does not run as saved: the restart is offered here.
  app.edit('src/greeting.ts', (text) => `${text}\nexport const unloaded = 1;\n`);
  app.edit('src/app.ts', (text) => `${text}\nexport const edited = 1;\n`);
  const offered = await cli(['load', app.file('src/app.ts')]);
  assert.equal(offered.code, 0, offered.stderr + offered.stdout);
  assert.match(offered.stdout, /greeting\.ts: its saved text is not the version running/);
  assert.match(offered.stdout, new RegExp(`to apply it: hotpatch restart ${app.record.pid}\\b`));
  assert.match((await cli(['server', 'status'])).stdout, /: 4 loads;/);

  const stopped = await cli(['server', 'stop']);
  assert.equal(stopped.stdout.trim(), 'load server stopped');
  assert.deepEqual(sockets(homeDir), [], 'its socket is removed as it ends');
  assert.equal((await cli(['server', 'status'])).stdout.trim(), 'no load server is up for this folder');
});

test('a request of the wrong shape, or bytes that are no request, get an error; the server goes on', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const { cli, homeDir, cwd } = cliFor(app);
  const socket = await serverStarted(app, cli, homeDir);

  const exchange = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      let reply = '';
      const client = connect(socket, () => client.write(bytes));
      client.on('data', (chunk) => {
        reply += chunk.toString();
        if (/\r\n\r\n\{.*\}$/s.test(reply)) client.end();
      });
      client.on('close', () => resolve(reply));
      client.on('error', reject);
    });
  const wrong = await exchange(
    framed({ jsonrpc: '2.0', id: 1, method: 'hotpatch/load', params: { cwd, files: 'src/store.ts' } }),
  );
  assert.match(wrong, /a load request of the wrong shape/);
  assert.match(wrong, /"exitCode":2/);
  const elsewhere = await exchange(
    framed({
      jsonrpc: '2.0',
      id: 2,
      method: 'hotpatch/load',
      params: { cwd: '/', files: [], options: { discoveryDir: app.discoveryDir, requestTimeout: '1000' } },
    }),
  );
  assert.match(elsewhere, /this server loads for .*, not \//);
  // Bytes that are no message: that connection is dropped.
  await exchange('GET / HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001');

  app.edit('src/store.ts', (text) => text.replace('(hits += 2)', '(hits += 5)'));
  const after_ = await cli(['load', app.file('src/store.ts')]);
  assert.equal(after_.code, 0, after_.stderr + after_.stdout);
  assert.match(
    (await cli(['server', 'status'])).stdout,
    /: 1 load;/,
    'the same server, still up, with the one load it ran',
  );
});

test('a servers folder others can open, or a file at the socket that is no socket, is not used: the load runs in its own process', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const { cli, homeDir } = cliFor(app);
  const servers = join(homeDir, '.hotpatch', 'servers');
  const socket = await serverStarted(app, cli, homeDir);
  chmodSync(servers, 0o755);

  app.edit('src/store.ts', (text) => text.replace('(hits += 2)', '(hits += 7)'));
  const loaded = await cli(['load', app.file('src/store.ts')]);
  assert.equal(loaded.code, 0, loaded.stderr + loaded.stdout);
  assert.match(loaded.stderr, /no load server is used: .*servers: other users can open it \(mode 755\); run chmod 700/);
  assert.equal(loaded.stderr.match(/no load server is used/g)?.length, 1, 'said once');
  assert.doesNotMatch(loaded.stderr, /started a load server/);
  assert.equal(await app.get('/hits'), '7', 'loaded all the same, in its own process');
  chmodSync(servers, 0o700);
  assert.match((await cli(['server', 'status'])).stdout, /: 0 loads;/, 'the server saw none of it');

  // A regular file where the socket was: not connected to; the next server takes the name.
  await cli(['server', 'stop']);
  writeFileSync(socket, 'not a socket');
  app.edit('src/store.ts', (text) => text.replace('(hits += 7)', '(hits += 8)'));
  const planted = await cli(['load', app.file('src/store.ts')]);
  assert.equal(planted.code, 0, planted.stderr + planted.stdout);
  assert.match(planted.stderr, /started a load server/);
  assert.equal(await app.get('/hits'), '15');
  await waitFor('a server on the socket', async () => (await cli(['server', 'status'])).stdout.includes('0 loads'));
});

test('a client gone mid-load, and loads at once from two terminals: every load finishes, one at a time', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const { cli, homeDir, cwd } = cliFor(app);
  const socket = await serverStarted(app, cli, homeDir);

  // A load sent, and the connection closed at once: the release still commits (all or none).
  app.edit('src/greeting.ts', (text) => text.replace('hello,', 'howdy,'));
  const request = framed({
    jsonrpc: '2.0',
    id: 1,
    method: 'hotpatch/load',
    params: {
      cwd,
      files: [app.file('src/greeting.ts')],
      options: { discoveryDir: app.discoveryDir, requestTimeout: '10000' },
    },
  });
  await new Promise<void>((resolve, reject) => {
    const client = connect(socket, () => client.end(request, () => resolve()));
    client.on('error', reject);
  });
  await waitFor('the greeting loaded by the abandoned request', async () =>
    (await app.get('/greet?name=ann')).startsWith('howdy,'),
  );

  app.edit('src/store.ts', (text) => text.replace('(hits += 2)', '(hits += 10)'));
  app.edit('src/greeting.ts', (text) => text.replace('howdy,', 'hiya,'));
  const [store, greeting] = await Promise.all([
    cli(['load', app.file('src/store.ts')]),
    cli(['load', app.file('src/greeting.ts')]),
  ]);
  assert.equal(store.code, 0, store.stderr + store.stdout);
  assert.equal(greeting.code, 0, greeting.stderr + greeting.stdout);
  assert.equal(await app.get('/hits'), '10');
  assert.match(await app.get('/greet?name=ann'), /^hiya,/);
  assert.match((await cli(['server', 'status'])).stdout, /: 3 loads;/, 'the same server ran all three');
});

test('a folder removed and made again: its old server does not serve it, and the load runs', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const { cli, cwd } = cliFor(app);
  app.edit('src/store.ts', (text) => text.replace('++hits', '(hits += 2)'));
  assert.equal((await cli(['load', app.file('src/store.ts')])).code, 0);
  const before = await waitFor('the load server', async () => {
    const status = await cli(['server', 'status']);
    return /load server pid (\d+)/.exec(status.stdout)?.[1];
  });
  rmSync(cwd, { recursive: true });
  mkdirSync(cwd);

  app.edit('src/store.ts', (text) => text.replace('(hits += 2)', '(hits += 5)'));
  const loaded = await cli(['load', app.file('src/store.ts')]);
  assert.equal(loaded.code, 0, loaded.stderr + loaded.stdout);
  assert.equal(await app.get('/hits'), '5');
  await waitFor('the old server to end', async () => {
    const status = await cli(['server', 'status']);
    return !status.stdout.includes(`load server pid ${before} `);
  });
});

test('the load server ends by itself after its idle time, and removes its socket', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const { cli, homeDir } = cliFor(app, { HOTPATCH_LOAD_SERVER_IDLE_MS: '1500' });
  app.edit('src/store.ts', (text) => text.replace('++hits', '(hits += 2)'));
  const first = await cli(['load', app.file('src/store.ts')]);
  assert.match(first.stderr, /it ends after 2 s without a load/);
  await waitFor('the socket', () => sockets(homeDir).length === 1);
  await waitFor('the server to end', () => sockets(homeDir).length === 0, 20_000);
  assert.equal((await cli(['server', 'status'])).stdout.trim(), 'no load server is up for this folder');
});
