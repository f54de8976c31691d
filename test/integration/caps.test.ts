/**
 * Limits with documented defaults, each against a real app: upgrade previews stay within the
 * clients' message limit whatever the size of the state (a 40 MiB state upgrades from the CLI,
 * the plan saying its previews were cut); sockets that connect and never authenticate are
 * capped (the oldest closed first) and given a deadline; a request reusing the id of one still
 * in progress gets an error instead of being mistaken for it.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
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
    const sockets = [];
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
    const file = app.file('greeting.js');
    const prepared = await raw.request('agent/prepare', { modules: [{ file, code: "exports.vsn = '2';" }] });
    const plan = (prepared.result as { id: string }).id;
    // A handler that does not finish until released keeps the commit waiting to suspend it.
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
