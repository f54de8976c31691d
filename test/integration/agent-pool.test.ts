/**
 * The engine's live connection manager against real apps: the AgentPool finds agents through
 * the discovery folder (also one that does not exist yet), keeps a model of their modules and
 * processes from the protocol's notifications, drops apps that exit, reconnects with backoff
 * when a connection drops while the app lives (through a loopback proxy the test cuts), takes
 * explicit agents from settings, and leaves nothing running once disposed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  AgentPool,
  hotLoadFile,
  retryDelay,
  type AgentPoolOptions,
  type AgentSnapshot,
  type ModuleSnapshot,
} from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { tmpRoot } from '../helpers/paths';
import { TcpProxy } from '../helpers/tcp-proxy';
import { waitFor } from '../helpers/wait';

type Logged = { event: string; pid?: number; url: string; reason?: string };

/** A started pool whose events are logged; disposed after the test. */
function startPool(options: AgentPoolOptions): { pool: AgentPool; log: Logged[] } {
  const pool = new AgentPool(options);
  after(() => pool.dispose());
  const log: Logged[] = [];
  const entry = (event: string, agent: AgentSnapshot, reason?: string): Logged => ({
    event,
    pid: agent.info?.pid,
    url: agent.url,
    ...(reason === undefined ? {} : { reason }),
  });
  pool.on('agentAdded', (a) => log.push(entry('added', a)));
  pool.on('agentRemoved', (a) => log.push(entry('removed', a)));
  pool.on('agentConnected', (a) => log.push(entry('connected', a)));
  pool.on('agentDisconnected', (a, reason) => log.push(entry('disconnected', a, reason)));
  pool.start();
  return { pool, log };
}

/** A discovery folder path under the scratch space; not created. */
function freshDir(): string {
  const dir = join(tmpRoot, `pool-${randomUUID()}`);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function byPid(pool: AgentPool, pid: number | undefined): AgentSnapshot | undefined {
  return pool.agents().find((a) => a.info?.pid === pid);
}

function moduleOf(agent: AgentSnapshot | undefined, file: string): ModuleSnapshot | undefined {
  return agent?.modules.find((m) => m.file === file);
}

/** The counters of the servers fixture as [name, vsn] pairs, from the model. */
function counters(agent: AgentSnapshot | undefined, file: string): [string | undefined, string | undefined][] {
  return (moduleOf(agent, file)?.processes ?? []).map((p) => [p.name, p.vsn]);
}

/** A pid no process has: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

async function startServers(discoveryDir?: string): Promise<App> {
  const app = await App.start('cjs', { fixture: 'servers', ...(discoveryDir ? { discoveryDir } : {}) });
  after(() => app.stop());
  return app;
}

test('retry delays double from the minimum up to the maximum, jittered to ½–1×', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 6, 7, 100].map((n) => retryDelay(n, 100, 5000, () => 1)),
    [100, 200, 400, 800, 3200, 5000, 5000],
  );
  assert.deepEqual(
    [1, 7].map((n) => retryDelay(n, 100, 5000, () => 0)),
    [50, 2500],
  );
});

test('finds an app started after the pool, in a folder that did not exist yet; lists its modules and counters; skips stale and partial records', async () => {
  const dir = freshDir();
  const { pool, log } = startPool({ discoveryDir: dir });
  assert.deepEqual(pool.agents(), []);

  const app = await startServers(dir);
  const agent = await waitFor('the pool to connect to the app and read its counters', () => {
    const a = byPid(pool, app.child.pid);
    return a?.state === 'connected' && counters(a, app.file('counter.js')).length === 3 && a;
  });
  assert.deepEqual(
    [agent.discovered, agent.explicit, agent.url, agent.info?.appName, agent.lastError, agent.failures],
    [true, false, app.record.url, app.record.appName, undefined, 0],
  );
  assert.deepEqual(
    agent.modules.map((m) => m.file),
    ['app.js', 'counter.js', 'greeting.js'].map((f) => app.file(f)),
    'every hot module, sorted by file',
  );
  const counter = moduleOf(agent, app.file('counter.js'))!;
  assert.deepEqual([counter.current.vsn, counter.current.seq, counter.old], ['1', 1, null]);
  assert.deepEqual(counters(agent, app.file('counter.js')), [
    ['counter-0', '1'],
    ['counter-1', '1'],
    ['counter-2', '1'],
  ]);
  assert.equal(agent.processes.length, 3);
  assert.deepEqual(
    log.map((e) => [e.event, e.pid]),
    [
      ['added', app.child.pid],
      ['connected', app.child.pid],
    ],
  );
  assert.deepEqual(
    pool.connectedClients().map((c) => c.info.pid),
    [app.child.pid],
  );

  // Snapshots are frozen copies, shared until something changes.
  assert.ok(Object.isFrozen(agent) && Object.isFrozen(agent.modules) && Object.isFrozen(counter.current));
  assert.throws(() => (agent.modules as ModuleSnapshot[]).pop(), TypeError);
  assert.equal(pool.agents()[0], agent);

  // A record of a dead process and one being written are not agents; the stale one is removed.
  const stale = join(dir, `${deadPid()}.json`);
  const partial = join(dir, '4000000.json');
  // Written as an agent writes them (0600): a client reads no other record.
  writeFileSync(partial, '{"pid": 40', { mode: 0o600 });
  writeFileSync(stale, JSON.stringify({ ...app.record, pid: Number(/(\d+)\.json$/.exec(stale)![1]) }), {
    mode: 0o600,
  });
  await waitFor('the pool to remove the record of the dead process', () => !existsSync(stale));
  assert.ok(existsSync(partial));
  assert.deepEqual(
    pool.agents().map((a) => a.info?.pid),
    [app.child.pid],
  );
  assert.equal(log.length, 2);
});

test('the model follows loads, purges, crashes and supervisor restarts', async () => {
  const dir = freshDir();
  const app = await startServers(dir);
  const { pool } = startPool({ discoveryDir: dir });
  const file = app.file('counter.js');
  const agent = () => byPid(pool, app.child.pid);
  await waitFor('three counters in the model', () => agent()?.state === 'connected' && counters(agent(), file).length);
  let changes = 0;
  pool.on('changed', () => changes++);

  // An editor save: a transaction over the pool's connected clients.
  app.edit('counter.js', (text) => text.replaceAll("'1'", "'2'"));
  const outcomes = await hotLoadFile(pool.connectedClients(), file, 'editor');
  assert.deepEqual(
    outcomes.map((o) => o.error),
    [undefined],
  );
  await waitFor('version 2 current, 1 old, every counter on 2', () => {
    const m = moduleOf(agent(), file);
    return (
      m?.current.vsn === '2' &&
      m.current.origin === 'editor' &&
      m.old?.vsn === '1' &&
      counters(agent(), file).every(([, vsn]) => vsn === '2')
    );
  });
  assert.ok(changes > 0);

  // A handler stuck in version 2, then version 3 loaded: the model shows it runs old code.
  const hung = app.get('/call?name=counter-0&msg=' + encodeURIComponent('{"op":"hang"}'));
  await waitFor('counter-0 to be busy', async () => {
    await pool.refresh();
    return moduleOf(agent(), file)?.processes.find((p) => p.name === 'counter-0')?.busyMs !== undefined;
  });
  const stuck = moduleOf(agent(), file)!.processes.find((p) => p.name === 'counter-0')!;
  const v3 = readFileSync(file, 'utf8')
    .replaceAll("'2'", "'3'")
    .replace('default:', "case 'crash':\n        throw new Error('crashed on purpose');\n      default:");
  await pool.client(agent()!.id)!.load({ file, code: v3, origin: 'editor' });
  await waitFor('version 3 current and counter-0 running old code', () => {
    const m = moduleOf(agent(), file);
    return m?.current.vsn === '3' && m.processes.find((p) => p.id === stuck.id)?.runsOldCode === true;
  });

  // Purge kills it (processExited); its supervisor restarts it (processStarted); the old version goes (modulePurged).
  await pool.client(agent()!.id)!.purge(file);
  assert.match(JSON.parse(await hung).error, /exited: killed/);
  await waitFor('counter-0 restarted under a new id and version 2 purged', () => {
    const m = moduleOf(agent(), file);
    const restarted = m?.processes.find((p) => p.name === 'counter-0');
    return m?.old === null && restarted && restarted.id !== stuck.id && !m.processes.some((p) => p.id === stuck.id);
  });
  assert.ok(moduleOf(agent(), file)!.processes.every((p) => !p.runsOldCode));

  // A crash: the process exits, the supervisor starts a new one.
  const before = moduleOf(agent(), file)!.processes.find((p) => p.name === 'counter-1')!;
  const crashed = JSON.parse(await app.get('/call?name=counter-1&msg=' + encodeURIComponent('{"op":"crash"}')));
  assert.match(crashed.error, /crashed on purpose/);
  await waitFor('counter-1 restarted under a new id', () => {
    const processes = moduleOf(agent(), file)?.processes ?? [];
    const now = processes.find((p) => p.name === 'counter-1');
    return now && now.id !== before.id && !processes.some((p) => p.id === before.id) && processes.length === 3;
  });
});

test('drops an app that exits (SIGTERM) and one that is killed (SIGKILL, its record left behind); found by watching alone', async () => {
  const dir = freshDir();
  mkdirSync(dir, { recursive: true });
  // A poll far in the future: finding the apps is up to fs.watch.
  const { pool, log } = startPool({ discoveryDir: dir, pollMs: 600_000 });
  const [a, b] = await Promise.all([startServers(dir), startServers(dir)]);
  await waitFor('both apps connected', () => [a, b].every((app) => byPid(pool, app.child.pid)?.state === 'connected'));

  await a.stop();
  await waitFor('app a removed', () => log.some((e) => e.event === 'removed' && e.pid === a.child.pid));
  assert.deepEqual(
    log.filter((e) => e.pid === a.child.pid).map((e) => e.event),
    ['added', 'connected', 'disconnected', 'removed'],
  );
  assert.equal(byPid(pool, b.child.pid)?.state, 'connected', 'the other app is unaffected');

  const recordB = join(dir, `${b.child.pid}.json`);
  const killed = new Promise((resolve) => b.child.once('exit', resolve));
  b.child.kill('SIGKILL');
  await killed;
  assert.ok(existsSync(recordB), 'a killed app cannot remove its record');
  await waitFor('app b removed', () => log.some((e) => e.event === 'removed' && e.pid === b.child.pid));
  assert.ok(!existsSync(recordB), 'the stale record is cleaned up');
  assert.deepEqual(pool.agents(), []);
  assert.deepEqual(pool.connectedClients(), []);
});

test('reconnects with backoff after the connection drops while the app lives (explicit agent through a proxy)', async () => {
  const app = await startServers();
  const proxy = await TcpProxy.start(Number(new URL(app.record.url).port));
  after(() => proxy.close());
  const { pool, log } = startPool({
    discoveryDir: null,
    explicitAgents: [{ url: proxy.url, token: app.record.token }],
  });
  const agent = () => pool.agents()[0];
  await waitFor('connected through the proxy', () => agent()?.state === 'connected');
  assert.deepEqual(
    [agent()!.explicit, agent()!.discovered, agent()!.url, agent()!.info?.pid],
    [true, false, proxy.url, app.child.pid],
  );

  // Cut the connection and refuse new ones for a while.
  proxy.refuse();
  proxy.cut();
  await waitFor('the pool to notice', () => log.some((e) => e.event === 'disconnected'));
  await waitFor('three failed attempts', () => agent()!.failures >= 3 && proxy.refused >= 3);
  assert.equal(agent()!.state, 'reconnecting');
  assert.ok(agent()!.lastError, 'the last error is kept');
  assert.deepEqual(pool.connectedClients(), []);
  assert.equal(moduleOf(agent(), app.file('counter.js'))?.current.vsn, '1', 'the last known modules are kept');

  // Meanwhile the app changes: the reconnection reads everything again.
  const direct = await app.connect();
  after(() => direct.close());
  const file = app.file('counter.js');
  await direct.load({ file, code: readFileSync(file, 'utf8').replaceAll("'1'", "'2'"), origin: 'cli' });

  proxy.restore();
  await waitFor('reconnected', () => agent()?.state === 'connected');
  assert.deepEqual([agent()!.failures, agent()!.lastError], [0, undefined]);
  assert.equal(moduleOf(agent(), file)?.current.vsn, '2');
  assert.deepEqual(
    log.map((e) => e.event),
    ['added', 'connected', 'disconnected', 'connected'],
  );
  assert.match(log[2]!.reason!, /closed|reset|hang up/i);
  assert.equal(pool.connectedClients().length, 1);

  // Notifications flow on the new connection.
  await direct.load({ file, code: readFileSync(file, 'utf8').replaceAll("'1'", "'3'"), origin: 'cli' });
  await waitFor('version 3 in the model', () => moduleOf(agent(), file)?.current.vsn === '3');
});

test('a connection that stops answering is dropped by the heartbeat and made again', async () => {
  const app = await startServers();
  const proxy = await TcpProxy.start(Number(new URL(app.record.url).port));
  after(() => proxy.close());
  const { pool, log } = startPool({
    discoveryDir: null,
    explicitAgents: [{ url: proxy.url, token: app.record.token }],
    heartbeatMs: 200,
  });
  await waitFor('connected', () => pool.agents()[0]?.state === 'connected');
  proxy.stall();
  await waitFor('connected again', () => log.filter((e) => e.event === 'connected').length === 2);
  assert.match(log.find((e) => e.event === 'disconnected')!.reason!, /did not answer a ping within 200 ms/);
  assert.equal(proxy.forwarded, 2);
});

test('explicit agents: a refused token waits for new settings; one also discovered is one agent; removed from settings', async () => {
  const dir = freshDir();
  const app = await startServers(dir);
  const wrong = { url: app.record.url, token: 'f'.repeat(64) };
  const { pool, log } = startPool({ discoveryDir: null, explicitAgents: [wrong] });
  const agent = await waitFor('the refusal', () => pool.agents().find((a) => a.state === 'disconnected'));
  assert.match(agent.lastError!, /401 .*wrong token/);
  assert.deepEqual([agent.failures, agent.info], [1, undefined]);

  pool.setExplicitAgents([{ url: `${app.record.url}/`, token: app.record.token }]);
  await waitFor('connected with the right token', () => pool.agents()[0]?.state === 'connected');
  assert.equal(pool.agents().length, 1);
  assert.deepEqual(
    log.map((e) => e.event),
    ['added', 'removed', 'added', 'connected'],
  );

  pool.setExplicitAgents([]);
  await waitFor('removed', () => pool.agents().length === 0);
  assert.equal(log.at(-1)!.event, 'removed');
  assert.equal(log.at(-2)!.event, 'disconnected');

  // The same agent discovered and configured is one entry with both flags.
  const { pool: both } = startPool({
    discoveryDir: dir,
    explicitAgents: [{ url: app.record.url, token: app.record.token }],
  });
  const one = await waitFor('connected', () => both.agents().find((a) => a.state === 'connected'));
  assert.deepEqual([both.agents().length, one.discovered, one.explicit], [1, true, true]);
  both.setExplicitAgents([]);
  assert.deepEqual(
    both.agents().map((a) => [a.discovered, a.explicit, a.state]),
    [[true, false, 'connected']],
  );
});

test('dispose closes connections, attempts, watchers and timers: nothing is left running', async () => {
  const dir = freshDir();
  const app = await startServers(dir);
  // An explicit agent nobody listens on: the pool keeps retrying it.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
  const deadPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));

  const baseline = resources();
  const { pool, log } = startPool({
    discoveryDir: dir,
    explicitAgents: [{ url: `ws://127.0.0.1:${deadPort}`, token: app.record.token }],
  });
  await waitFor('the app connected and the dead agent retried', () => {
    const [first, second] = pool.agents();
    const dead = [first, second].find((a) => a?.url.endsWith(`:${deadPort}`));
    return byPid(pool, app.child.pid)?.state === 'connected' && dead && dead.failures >= 2;
  });
  const during = resources();
  assert.ok(during.includes('FSEventWrap'), `watching: ${during.join(', ')}`);
  assert.ok(count(during, 'TCPSocketWrap') > count(baseline, 'TCPSocketWrap'), 'connected');

  const events = log.length;
  pool.dispose();
  // No more of any kind than before the pool (fewer is fine: an earlier test's keep-alive socket may close).
  await waitFor(
    'the resources of the pool to be gone',
    () => resources().every((type, _, now) => count(now, type) <= count(baseline, type)),
    5000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\nbefore: ${baseline.join(', ')}\nafter:  ${resources().join(', ')}`);
  });
  assert.equal(log.length, events, 'no events after dispose');
  assert.equal(await app.get('/whereis?name=counter-0').then((t) => typeof JSON.parse(t)), 'string', 'the app lives');
});

/** The process's active handles and requests by type, sorted (what keeps it alive). */
function resources(): string[] {
  return process.getActiveResourcesInfo().sort();
}

function count(list: string[], type: string): number {
  return list.filter((t) => t === type).length;
}
