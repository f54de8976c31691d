/**
 * The Live Modules tree's model of supervision trees, with a real app and the real language
 * server (LSP over stdio, the engine's AgentPool over WebSocket): `hotpatch/tree` carries each
 * app's supervisors with their children, kept current by the agent's notifications as a child
 * crashes and restarts and as a process is suspended and resumed through `hotpatch/processSys`
 * (the tree's Suspend and Resume), and `hotpatch/processStatus` (Show status) reads sys:get_status.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProcessInfo } from 'hotpatch-agent/protocol';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { waitFor } from '../helpers/wait';

type TreeAgent = ext.TreeAgent;
type Supervisor = TreeAgent['supervisors'][number];

describe('the supervision trees in the Live Modules model (real app, real language server)', () => {
  let app: App;
  let lsp: LspSession;
  let pid: number;

  before(async () => {
    app = await App.start('cjs', { fixture: 'supervision-tree' });
    lsp = await LspSession.start(app.discoveryDir);
    pid = app.child.pid!;
  });
  after(async () => {
    await lsp?.stop();
    await app?.stop();
  });

  const agent = async (): Promise<TreeAgent | undefined> =>
    (await lsp.connection.sendRequest(ext.treeRequest)).agents.find(
      (a) => a.info?.pid === pid && a.state === 'connected',
    );
  /** Waits until the app's root supervisor satisfies `check`. */
  const rootWhen = (what: string, check: (root: Supervisor, agent: TreeAgent) => boolean) =>
    waitFor(what, async () => {
      const found = await agent();
      const root = found?.supervisors.find((s) => s.name === 'root');
      return found && root && check(root, found) ? { root, agent: found } : undefined;
    });

  test('each app has its trees: the root with its children, the nested supervisor under it, each child with its process', async () => {
    const { root, agent } = await rootWhen('the root supervisor with 3 running children', (r) =>
      r.children.every((c) => c.status === 'running'),
    );
    assert.equal(root.root, true);
    assert.equal(root.strategy, 'rest_for_one');
    assert.equal(root.file, app.file('tree.js'));
    assert.deepEqual(
      root.children.map((c) => [c.id, c.type, c.restart, c.status]),
      [
        ['counter', 'worker', 'permanent', 'running'],
        ['pool', 'supervisor', 'permanent', 'running'],
        ['once', 'worker', 'temporary', 'running'],
      ],
    );
    // A worker carries its process as the model knows it; a supervisor child names the nested tree.
    const counter = root.children[0]!;
    assert.equal(counter.processInfo?.name, 'counter');
    assert.equal(counter.processInfo?.id, counter.process);
    const nested = agent.supervisors.find((s) => s.id === root.children[1]!.supervisor);
    assert.ok(nested, 'the nested supervisor is listed');
    assert.equal(nested.root, false, 'not a root: it is shown under its parent');
    assert.deepEqual(
      nested.children.map((c) => [c.id, c.restart, c.processInfo?.name]),
      [
        ['job-1', 'transient', 'job-1'],
        ['flaky', 'permanent', 'flaky'],
      ],
    );
  });

  test('Suspend from the tree: the child shows suspended by a client, its status reads so; Resume: running again', async () => {
    const { root } = await rootWhen('counter running', (r) => r.children[0]!.status === 'running');
    const process = root.children[0]!.process!;
    const { process: answered } = await lsp.connection.sendRequest(ext.processSysRequest, {
      pid,
      process,
      action: 'suspend',
    });
    assert.deepEqual(answered.suspendedBy, ['sys']);
    const suspended = await rootWhen('counter suspended in the tree', (r) => r.children[0]!.status === 'suspended');
    const child = suspended.root.children[0]!;
    assert.deepEqual(child.processInfo?.suspendedBy, ['sys']);
    // Under its module's version too: one process, one set of facts.
    const inModule = suspended.agent.processes.find((p: ProcessInfo) => p.id === process);
    assert.equal(inModule?.status, 'suspended');

    const status = await lsp.connection.sendRequest(ext.processStatusRequest, { pid, process });
    assert.deepEqual(status.suspendedBy, ['sys']);
    assert.equal(status.initialized, true);
    assert.deepEqual(status.state, { count: 0 });

    await lsp.connection.sendRequest(ext.processSysRequest, { pid, process, action: 'resume' });
    const resumed = await rootWhen('counter running again', (r) => r.children[0]!.status === 'running');
    assert.equal(resumed.root.children[0]!.processInfo?.suspendedBy, undefined);
  });

  test('a crashed child restarts: the tree shows its new process, the nested tree anew, the temporary child dead', async () => {
    const { root: before, agent: was } = await rootWhen('all running', (r) =>
      r.children.slice(0, 2).every((c) => c.status === 'running'),
    );
    const oldCounter = before.children[0]!.process;
    const oldPool = before.children[1]!.supervisor;
    assert.match(await app.get(`/call?name=counter&msg=${encodeURIComponent('"crash"')}`), /asked to crash/);
    const { root, agent } = await rootWhen(
      'counter restarted under a new pid',
      (r) => r.children[0]!.status === 'running' && r.children[0]!.process !== oldCounter,
    );
    assert.equal(root.id, before.id, 'the same supervisor: only its children changed');
    assert.notEqual(root.children[1]!.supervisor, oldPool);
    assert.equal(root.children[2]!.status, 'dead');
    assert.equal(root.children[2]!.process, undefined);
    assert.deepEqual(
      agent.supervisors.map((s) => s.id).sort(),
      [root.id, root.children[1]!.supervisor].sort(),
      `the old nested tree is gone: ${JSON.stringify(was.supervisors.map((s) => s.id))}`,
    );
  });

  test('bad input to the sys requests gets a clear error, and the tree stays as it was', async () => {
    await assert.rejects(
      lsp.connection.sendRequest(ext.processSysRequest, {
        pid,
        process: 'counter',
        action: 'stop' as 'suspend',
      }),
      /action must be 'suspend' or 'resume', not stop/,
    );
    await assert.rejects(
      lsp.connection.sendRequest(ext.processStatusRequest, { pid, process: 'nobody' }),
      /no live process 'nobody'/,
    );
    await assert.rejects(
      lsp.connection.sendRequest(ext.processSysRequest, { pid: 1, process: 'counter', action: 'suspend' }),
      /no connected agent with pid 1/,
    );
    await rootWhen('counter still running', (r) => r.children[0]!.status === 'running');
  });
});
