/**
 * Limits with documented defaults, each against a real app: upgrade previews stay within the
 * clients' message limit whatever the size of the state (a 40 MiB state upgrades from the CLI,
 * the plan saying its previews were cut); sockets that connect and never authenticate are
 * capped (the oldest closed first) and given a deadline; a request reusing the id of one still
 * in progress gets an error instead of being mistaken for it; the language server keeps at most
 * 10,000 modules of an agent that announces 100,000.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { FakeAgent } from '../helpers/fake-agent';
import { LspSession } from '../helpers/lsp';
import { tmpRoot } from '../helpers/paths';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { RawRpc } from '../helpers/raw';
import { waitFor } from '../helpers/wait';

const MiB = 1024 * 1024;

/** A version of the fixture's counter.js whose servers can grow a 40 MiB state and report its size. */
const counterVersion = (vsn: string, codeChange = ''): string => `
const { defineServer } = require('hotpatch-agent');
exports.vsn = '${vsn}';
exports.counter = defineServer({
  init: () => ({ count: 0 }),
  handleCall(message, state) {
    if (message.op === 'grow') return { reply: 'grown', state: { ...state, blob: 'x'.repeat(${40 * MiB}) } };
    if (message.op === 'size') return { reply: { length: state.blob?.length, count: state.count, migrated: state.migrated, vsn: '${vsn}' }, state };
    return { reply: { count: state.count + 1 }, state: { ...state, count: state.count + 1 } };
  },
  ${codeChange}
});
`;

async function call(app: App, msg: object): Promise<unknown> {
  return JSON.parse(await app.get(`/call?name=counter-0&msg=${encodeURIComponent(JSON.stringify(msg))}`));
}

describe('a 40 MiB state', () => {
  let app: App;
  let client: AgentClient;
  before(async () => {
    app = await App.start('cjs', { fixture: 'servers', env: { COUNTERS: '1' } });
    client = await app.connect();
    await waitFor('the counter', async () => (await client.processes()).length === 1);
    await client.load({ file: app.file('counter.js'), code: counterVersion('2'), origin: 'protocol' });
    await call(app, { op: 'inc' });
    assert.equal(await call(app, { op: 'grow' }), 'grown');
  });
  after(async () => {
    client?.close();
    await app?.stop();
  });

  test('previews are cut to their budget, and say so', async () => {
    const code = counterVersion('3', 'codeChange: (from, state) => ({ ...state, migrated: true }),');
    const plan = await client.prepare({ modules: [{ file: app.file('counter.js'), code }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    const [preview] = plan.previews;
    assert.equal(preview?.truncated, true);
    const blob = (preview.before as { blob: { $string: string; $length: number } }).blob;
    assert.equal(blob.$length, 40 * MiB);
    assert.ok(JSON.stringify(plan).length < MiB, "a plan far below the clients' 64 MiB");
    assert.equal(await client.abort(plan.id), true);
  });

  test('upgrades from the CLI with its state intact', async () => {
    app.edit('counter.js', () => counterVersion('3', 'codeChange: (from, state) => ({ ...state, migrated: true }),'));
    const result = await runCli(['load', app.file('counter.js')], app.discoveryDir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /✓/);
    assert.deepEqual(await call(app, { op: 'size' }), { length: 40 * MiB, count: 1, migrated: true, vsn: '3' });
  });
});

/** Opens a TCP connection to the agent's port that sends nothing (or `bytes`). */
async function idleSocket(port: number, bytes = ''): Promise<Socket & { closedByAgent: boolean }> {
  const socket = connect(port, '127.0.0.1') as Socket & { closedByAgent: boolean };
  socket.closedByAgent = false;
  socket.on('error', () => {});
  socket.on('close', () => (socket.closedByAgent = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  if (bytes) socket.write(bytes);
  return socket;
}

describe('sockets that never authenticate', () => {
  test('at most maxPendingConnections (8) are kept, the oldest closed first; a client still gets in', async (t) => {
    // A deadline far beyond the test: only the cap can close these.
    const app = await App.start('cjs', { env: { HOTPATCH_HANDSHAKE_TIMEOUT_MS: '600000' } });
    t.after(() => app.stop());
    const port = Number(new URL(app.record.url).port);
    const sockets: Awaited<ReturnType<typeof idleSocket>>[] = [];
    for (let i = 0; i < 30; i++) sockets.push(await idleSocket(port));
    await waitFor('22 sockets closed by the agent', () => sockets.filter((s) => s.closedByAgent).length === 22);
    assert.deepEqual(
      sockets.map((s) => s.closedByAgent),
      sockets.map((_, i) => i < 22),
      'the oldest were closed',
    );
    const client = await app.connect();
    t.after(() => client.close());
    assert.ok((await client.modules()).length > 0);
    assert.equal(await app.get('/greet?name=x'), 'hello, x');
    for (const socket of sockets) socket.destroy();
  });

  test('each has handshakeTimeoutMs to authenticate, even one sending its request a byte at a time', async (t) => {
    const app = await App.start('cjs', { env: { HOTPATCH_HANDSHAKE_TIMEOUT_MS: '300' } });
    t.after(() => app.stop());
    const port = Number(new URL(app.record.url).port);
    const silent = await idleSocket(port);
    const slow = await idleSocket(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickle = setInterval(() => slow.write('X'), 50);
    t.after(() => clearInterval(trickle));
    await waitFor('both closed by the agent', () => silent.closedByAgent && slow.closedByAgent);
    const client = await app.connect();
    t.after(() => client.close());
    assert.ok((await client.modules()).length > 0, 'a client that authenticates in time is served');
  });
});

describe('a request id already in progress', () => {
  test('is answered with an error; the request in progress still gets its own answer', async (t) => {
    const app = await App.start('cjs', { fixture: 'servers', env: { COUNTERS: '1' } });
    t.after(() => app.stop());
    const raw = await RawRpc.open(app.record.url, app.record.token);
    t.after(() => raw.close());
    await raw.initialize();
    // An upgrade of the module whose process will be busy: its commit waits to suspend it.
    const file = app.file('counter.js');
    const code = readFileSync(file, 'utf8').replaceAll("'1'", "'2'");
    const prepared = await raw.request('agent/prepare', { modules: [{ file, code }] });
    const plan = (prepared.result as { id: string }).id;
    // A handler that does not finish until released.
    const hanging = app.get(`/call?name=counter-0&msg=${encodeURIComponent('{"op":"hang"}')}`);
    await waitFor('the handler to be busy', async () => {
      const reply = await raw.request('agent/processes', {});
      return (reply.result as { processes: { busyMs?: number }[] }).processes[0]?.busyMs !== undefined;
    });
    raw.send({ jsonrpc: '2.0', id: 'same', method: 'agent/commit', params: { plan, suspendTimeoutMs: 600_000 } });
    raw.send({ jsonrpc: '2.0', id: 'same', method: 'agent/modules', params: {} });
    const refused = await raw.next('the duplicate refused', (r) => r.id === 'same');
    assert.equal(refused.error?.code, -32600);
    assert.match(refused.error?.message ?? '', /id "same" is in use by a request in progress/);
    await app.get('/release');
    await hanging;
    const committed = await raw.next('the commit answered', (r) => r.id === 'same');
    assert.equal((committed.result as { modules: { current: { vsn: string } }[] }).modules[0]?.current.vsn, '2');
    const reused = await raw.request('agent/modules', {});
    assert.ok(reused.result, 'an id is free again once answered');
  });
});

/** Resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

describe('the language server and an agent announcing 100,000 modules', () => {
  test('keeps 10,000 (maxModulesPerAgent), says the rest are left out, and its memory stays bounded', async (t) => {
    const dir = mkdtempSync(join(tmpRoot, 'flood-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const agent = await FakeAgent.start(join(dir, 'agents'), { root: dir });
    t.after(() => agent.stop());
    const lsp = await LspSession.start(join(dir, 'agents'));
    t.after(() => lsp.stop());
    const tree = async () => (await lsp.connection.sendRequest(ext.treeRequest)).agents[0];
    await waitFor('the agent connected', async () => (await tree())?.state === 'connected');
    const before = rss(lsp.child.pid!);
    const loadedAt = new Date().toISOString();
    const announce = (i: number, vsn = '1'): string =>
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'agent/moduleLoaded',
        params: {
          module: {
            file: join(dir, `module-${i}.js`),
            format: 'cjs',
            sources: [],
            exports: ['a', 'b'],
            current: { vsn, seq: 1, loadedAt, origin: 'startup', hash: '0123456789ab' },
            old: null,
          },
        },
      });
    const [socket] = agent.sockets;
    /** Announces modules `from`..`to` (new files), then module 0 again: once that is seen, all were (in order). */
    const flood = async (from: number, to: number, mark: string) => {
      for (let i = from; i < to; i++) socket!.send(announce(i));
      socket!.send(announce(0, mark));
      return waitFor(
        `the announcements up to ${to}`,
        async () => {
          const agentTree = await tree();
          return agentTree?.modules.find((m) => m.file === join(dir, 'module-0.js'))?.current.vsn === mark && agentTree;
        },
        120_000,
      );
    };
    const seen = await flood(0, 100_000, 'first');
    assert.equal(seen.modules.length, 10_000);
    assert.equal(seen.modulesTruncated, true);
    assert.ok(
      lsp.log.some((m) => /more than 10000 hot modules/.test(m)),
      lsp.log.join('\n'),
    );
    // Without the cap it grew by ≈875 MiB here; with it by ≈160 MiB, mostly the flood in flight
    // (messages are buffered until handled): the model itself holds 10,000 modules.
    const grown = rss(lsp.child.pid!) - before;
    assert.ok(grown < 256 * MiB, `the language server grew by ${Math.round(grown / MiB)} MiB`);
  });
});
