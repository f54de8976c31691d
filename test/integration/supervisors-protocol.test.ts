/**
 * Supervisors on the protocol (issue 12, "sys on the protocol and in the tree"): a real app
 * whose top level starts a supervision tree, read through `agent/supervisors` (OTP's
 * which_children) and followed through the supervisor and process notifications as children
 * crash, restart and are suspended by a client.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import type { ProcessInfo, SupervisorInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { waitFor } from '../helpers/wait';

const InvalidParams = -32602;

interface Started {
  app: App;
  client: AgentClient;
  /** Every notification about supervisors and suspensions since the connection, in order. */
  heard: { method: string; supervisor?: SupervisorInfo; process?: ProcessInfo; reason?: string }[];
}

async function startTree(): Promise<Started> {
  const app = await App.start('cjs', { fixture: 'supervision-tree' });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const heard: Started['heard'] = [];
  client.on('supervisorStarted', (supervisor) => heard.push({ method: 'supervisorStarted', supervisor }));
  client.on('supervisorChanged', (supervisor) => heard.push({ method: 'supervisorChanged', supervisor }));
  client.on('supervisorExited', (supervisor, reason) => heard.push({ method: 'supervisorExited', supervisor, reason }));
  client.on('processChanged', (process) => heard.push({ method: 'processChanged', process }));
  await waitFor('the 4 workers running', async () => (await client.processes()).length === 4);
  return { app, client, heard };
}

async function idOf(app: App, name: string): Promise<string | null> {
  return JSON.parse(await app.get(`/whereis?name=${name}`)) as string | null;
}

function byName(supervisors: SupervisorInfo[], name: string | undefined): SupervisorInfo {
  const found = supervisors.find((s) => s.name === name);
  assert.ok(found, `a supervisor named ${name} in ${JSON.stringify(supervisors)}`);
  return found;
}

describe('supervisors on the protocol (which_children)', () => {
  test('agent/supervisors lists the tree as its specs say: strategy, limits, children with restart types and the processes they run as', async () => {
    const { app, client } = await startTree();
    const supervisors = await client.supervisors();
    assert.equal(supervisors.length, 2, JSON.stringify(supervisors));
    const root = byName(supervisors, 'root');
    const pool = supervisors.find((s) => s !== root)!;
    assert.deepEqual(
      { ...root, children: undefined },
      {
        id: root.id,
        name: 'root',
        file: app.file('tree.js'),
        strategy: 'rest_for_one',
        intensity: 4,
        period: 2000,
        children: undefined,
      },
    );
    assert.match(root.id, /^supervisor#\d+$/);
    assert.deepEqual(root.children, [
      { id: 'counter', restart: 'permanent', type: 'worker', status: 'running', process: await idOf(app, 'counter') },
      { id: 'pool', restart: 'permanent', type: 'supervisor', status: 'running', supervisor: pool.id },
      { id: 'once', restart: 'temporary', type: 'worker', status: 'running', process: await idOf(app, 'once') },
    ]);
    // Started by a child spec: it belongs to its parent, not to the module (no file), and has no name.
    assert.deepEqual(pool, {
      id: pool.id,
      strategy: 'one_for_one',
      intensity: 5,
      period: 1000,
      children: [
        { id: 'job-1', restart: 'transient', type: 'worker', status: 'running', process: await idOf(app, 'job-1') },
        { id: 'flaky', restart: 'permanent', type: 'worker', status: 'running', process: await idOf(app, 'flaky') },
      ],
    });
  });

  test('a crashed child is restarted by rest_for_one: supervisorChanged shows the new pid, the nested supervisor anew, the temporary child dead', async () => {
    const { app, client, heard } = await startTree();
    const before = await client.supervisors();
    const oldPool = before.find((s) => s.name !== 'root')!;
    const oldCounter = await idOf(app, 'counter');

    const crashed = await app.get(`/call?name=counter&msg=${encodeURIComponent('"crash"')}`);
    assert.match(crashed, /asked to crash/);
    const changed = await waitFor('supervisorChanged with a new counter', () =>
      heard
        .filter((h) => h.method === 'supervisorChanged' && h.supervisor?.name === 'root')
        .map((h) => h.supervisor!)
        .find((s) => s.children[0]!.process !== oldCounter),
    );
    const newCounter = await idOf(app, 'counter');
    assert.ok(newCounter && newCounter !== oldCounter, `${oldCounter} → ${newCounter}`);
    const [counter, pool, once] = changed.children;
    assert.deepEqual(counter, {
      id: 'counter',
      restart: 'permanent',
      type: 'worker',
      status: 'running',
      process: newCounter,
    });
    assert.equal(pool!.status, 'running');
    assert.notEqual(pool!.supervisor, oldPool.id, 'the supervisor after counter was restarted too (rest_for_one)');
    // As in OTP: a temporary child is not restarted, even when a sibling's crash stopped it.
    assert.deepEqual(once, { id: 'once', restart: 'temporary', type: 'worker', status: 'dead' });

    await waitFor('the old pool exited and the new one started', () => {
      const exited = heard.find((h) => h.method === 'supervisorExited' && h.supervisor?.id === oldPool.id);
      const started = heard.find((h) => h.method === 'supervisorStarted' && h.supervisor?.id === pool!.supervisor);
      return exited && started ? { exited, started } : undefined;
    });
    const listed = await client.supervisors();
    assert.deepEqual(
      listed.map((s) => s.id).sort(),
      [changed.id, pool!.supervisor!].sort(),
      'the old pool is no longer listed',
    );
    assert.deepEqual(byName(listed, 'root').children, changed.children);
  });

  test('a child whose restart fails is reported restarting, then running under its new pid once a retry starts it', async () => {
    const { app, heard, client } = await startTree();
    const pool = (await client.supervisors()).find((s) => s.name !== 'root')!;
    const flakyBefore = await idOf(app, 'flaky');
    await app.get('/fail-starts?n=2');
    assert.match(await app.get(`/call?name=flaky&msg=${encodeURIComponent('"crash"')}`), /asked to crash/);
    const flakyIn = (status: string) => () =>
      heard
        .filter((h) => h.method === 'supervisorChanged' && h.supervisor?.id === pool.id)
        .map((h) => h.supervisor!)
        .find((s) => s.children[1]!.status === status);
    const restarting = await waitFor('supervisorChanged: flaky restarting', flakyIn('restarting'));
    assert.deepEqual(restarting.children[1], {
      id: 'flaky',
      restart: 'permanent',
      type: 'worker',
      status: 'restarting',
    });
    const running = await waitFor('supervisorChanged: flaky running again', flakyIn('running'));
    const flakyAfter = await idOf(app, 'flaky');
    assert.ok(flakyAfter && flakyAfter !== flakyBefore, `${flakyBefore} → ${flakyAfter}`);
    assert.equal(running.children[1]!.process, flakyAfter);
    // Three restarts within its intensity of 5: the same supervisor, still running.
    assert.ok((await client.supervisors()).some((s) => s.id === pool.id));
  });

  test('a suspend by a client is reported (processChanged, suspendedBy) and shows in the supervisor listing; a resume too', async () => {
    const { client, heard } = await startTree();
    const suspended = await client.suspend('counter');
    assert.deepEqual(suspended.process.suspendedBy, ['sys']);
    const told = await waitFor(
      'processChanged: suspended',
      () => heard.find((h) => h.method === 'processChanged' && h.process?.name === 'counter')?.process,
    );
    assert.equal(told.status, 'suspended');
    assert.deepEqual(told.suspendedBy, ['sys']);
    const listed = byName(await client.supervisors(), 'root').children[0]!;
    assert.equal(listed.status, 'suspended');
    assert.equal(listed.process, told.id);

    heard.length = 0;
    const resumed = await client.resume('counter');
    assert.equal(resumed.process.status, 'running');
    assert.equal(resumed.process.suspendedBy, undefined);
    const toldAgain = await waitFor(
      'processChanged: running',
      () => heard.find((h) => h.method === 'processChanged' && h.process?.name === 'counter')?.process,
    );
    assert.equal(toldAgain.status, 'running');
    assert.equal(toldAgain.suspendedBy, undefined);
    assert.equal(byName(await client.supervisors(), 'root').children[0]!.status, 'running');
  });

  test('agent/supervisors with params it does not take: -32602 naming them, and the app serves on', async () => {
    const { app, client } = await startTree();
    const error = await client.connection.sendRequest('agent/supervisors', { all: true }).then(
      () => assert.fail('expected -32602'),
      (e: unknown) => e as { code: number; message: string },
    );
    assert.equal(error.code, InvalidParams, error.message);
    assert.match(error.message, /all/);
    assert.equal(JSON.parse(await app.get('/call?name=counter')), 1);
  });

  test('an upgrade of a module with 150 processes: one processesChanged naming it per turn, not a processChanged each', async () => {
    const app = await App.start('cjs', { fixture: 'servers', env: { COUNTERS: '150' } });
    after(() => app.stop());
    const client = await app.connect();
    after(() => client.close());
    await waitFor('150 counters', async () => (await client.processes()).length === 150);
    const single: ProcessInfo[] = [];
    const batches: string[][] = [];
    client.on('processChanged', (process) => single.push(process));
    client.on('processesChanged', (files) => batches.push(files));

    const file = app.file('counter.js');
    const code = readFileSync(file, 'utf8').replaceAll("'1'", "'2'");
    const plan = await client.prepare({ modules: [{ file, code }] });
    assert.ok(plan.ok, JSON.stringify(plan.errors));
    await client.commit(plan.id);
    // The resume's notifications go out in the turn of its last step, before the agent reads
    // another request: this answer comes after all of them, on the same socket.
    const upgraded = await client.processes(file);
    assert.ok(upgraded.every((p) => p.status === 'running' && p.vsn === '2'));
    // Suspended, then resumed: one message naming the module per turn, never 300.
    assert.ok(batches.length >= 1 && batches.length <= 2, JSON.stringify(batches));
    assert.deepEqual([...new Set(batches.flat())], [file]);
    assert.deepEqual(single, []);
  });
});
