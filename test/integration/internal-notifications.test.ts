/**
 * vscode-jsonrpc handles some messages itself before any handler of ours sees them
 * ($/cancelRequest, $/progress, $/setTrace, $/logTrace, responses). Malformed ones must reach
 * neither side's library: `{"jsonrpc":"2.0","method":"$/cancelRequest"}` used to end the app
 * (TypeError inside vscode-jsonrpc) and, sent by an agent, the CLI and the language server.
 * Against a real app, the real CLI and the real language server: every such frame is ignored,
 * nothing dies, and the connection goes on working.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { FakeAgent } from '../helpers/fake-agent';
import { LspSession } from '../helpers/lsp';
import { tmpRoot } from '../helpers/paths';
import { RawRpc } from '../helpers/raw';
import { waitFor } from '../helpers/wait';

const notification = (method: string, params?: unknown): unknown =>
  params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };

/** Every shape of the library's own messages that it does not check itself, and some it does. */
const HOSTILE: [string, unknown][] = [
  ['$/cancelRequest without params', notification('$/cancelRequest')],
  ['$/cancelRequest with {}', notification('$/cancelRequest', {})],
  ['$/cancelRequest with []', notification('$/cancelRequest', [])],
  ['$/cancelRequest with id null', notification('$/cancelRequest', { id: null })],
  ['$/cancelRequest with an object id', notification('$/cancelRequest', { id: { toString: 1 } })],
  ['$/cancelRequest with an array id', notification('$/cancelRequest', { id: [] })],
  ['$/cancelRequest with a boolean id', notification('$/cancelRequest', { id: true })],
  ['$/cancelRequest of an unknown request', notification('$/cancelRequest', { id: 987654 })],
  ['$/cancelRequest as a request', { jsonrpc: '2.0', id: 'c1', method: '$/cancelRequest' }],
  ['$/setTrace without params', notification('$/setTrace')],
  ['$/setTrace with a number', notification('$/setTrace', { value: 5 })],
  ['$/setTrace with []', notification('$/setTrace', [])],
  ['$/logTrace without params', notification('$/logTrace')],
  ['$/logTrace with {}', notification('$/logTrace', {})],
  ['$/progress without params', notification('$/progress')],
  ['$/progress with []', notification('$/progress', [])],
  ['$/progress with [token, value]', notification('$/progress', [1, {}])],
  ['$/progress with {}', notification('$/progress', {})],
  ['$/progress with an object token', notification('$/progress', { token: { toString: 1 }, value: 1 })],
  ['an unknown $/ notification', notification('$/whatever', { id: { toString: 1 } })],
  ['a response to an unknown id', { jsonrpc: '2.0', id: 424242, result: { ok: true } }],
  ['an error response to an unknown id', { jsonrpc: '2.0', id: 'x', error: { code: 1, message: 'x' } }],
  ['a response with id null', { jsonrpc: '2.0', id: null, result: 1 }],
  ['an error response with id null', { jsonrpc: '2.0', id: null, error: { toString: 1 } }],
  ['a response with no id', { jsonrpc: '2.0', result: 1 }],
  ['an error response with a string error', { jsonrpc: '2.0', id: 5, error: 'boom' }],
];

describe('malformed $/ notifications and responses sent to the app', () => {
  let app: App;
  let raw: RawRpc;
  before(async () => {
    app = await App.start('cjs');
    raw = await RawRpc.open(app.record.url, app.record.token);
    await raw.initialize();
  });
  after(async () => {
    raw?.close();
    await app?.stop();
  });

  for (const [what, frame] of HOSTILE) {
    test(`${what}: the app lives on and the connection still answers`, async () => {
      raw.send(frame);
      const reply = await raw.request('agent/modules', {});
      assert.ok(Array.isArray((reply.result as { modules: unknown[] }).modules), JSON.stringify(reply));
      assert.equal(app.child.exitCode, null, app.output.stderr);
      assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
    });
  }

  test('all of them at once, before the handshake too', async () => {
    const fresh = await RawRpc.open(app.record.url, app.record.token);
    try {
      for (const [, frame] of HOSTILE) fresh.send(frame);
      assert.equal((await fresh.initialize()).error, undefined);
      for (const [, frame] of HOSTILE) fresh.send(frame);
      const reply = await fresh.request('agent/modules', {});
      assert.ok(Array.isArray((reply.result as { modules: unknown[] }).modules));
      assert.equal(app.child.exitCode, null, app.output.stderr);
    } finally {
      fresh.close();
    }
  });
});

describe('the same sent by an agent', () => {
  let dir: string;
  let agent: FakeAgent;
  before(async () => {
    dir = mkdtempSync(join(tmpRoot, 'hostile-agent-'));
    const frames = HOSTILE.map(([, frame]) => frame);
    agent = await FakeAgent.start(join(dir, 'agents'), {
      afterHandshake: frames,
      afterAnswer: frames,
      answer: (request) =>
        request.method === 'agent/modules'
          ? { modules: [] }
          : request.method === 'agent/processes'
            ? { processes: [] }
            : request.method === 'agent/getState'
              ? // A well-formed reply: clients check replies against the protocol (replies.ts).
                {
                  process: { id: 'x#1', server: 'x', status: 'running', mailbox: 0, runsOldCode: false },
                  state: { alive: true },
                }
              : undefined,
    });
  });
  after(async () => {
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const command of ['ls', 'ps']) {
    test(`hotpatch ${command} lists the agent and exits 0`, async () => {
      const result = await runCli([command], join(dir, 'agents'));
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /fake-app \(pid \d+/);
      assert.doesNotMatch(result.stderr, /TypeError/);
    });
  }

  test('the language server stays up and keeps talking to the agent', async () => {
    const lsp = await LspSession.start(join(dir, 'agents'));
    try {
      await waitFor('the language server to connect to the agent', async () => {
        const tree = await lsp.connection.sendRequest(ext.treeRequest);
        return tree.agents.some((a) => a.state === 'connected');
      });
      // A reply that comes after every hostile frame on the socket: they were all handled.
      const { state } = await lsp.connection.sendRequest(ext.processStateRequest, { pid: process.pid, process: 'x' });
      assert.deepEqual(state, { alive: true });
      assert.equal(lsp.child.exitCode, null, lsp.stderr);
      assert.doesNotMatch(lsp.stderr, /TypeError/);
    } finally {
      await lsp.stop();
    }
  });
});
