/**
 * Erlang/OTP fidelity in a real app, through the protocol (issue 12). Each test is named after
 * the OTP test case whose behaviour it follows: sys_SUITE (suspend, resume, replace_state,
 * get_status), supervisor_SUITE (restart_child, terminate_child not counted as crashes) and
 * release_handler_SUITE (rollback with nothing to go back to).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AgentError, type AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { waitFor } from '../helpers/wait';

const NoOldVersion = -32012;
const UpgradeInProgress = -32017;
const SuspendTimeout = -32018;

/** Version 2 of the fixture's counter.js: state gains `history`; `crash` throws. */
const counterV2 = `
const { defineServer } = require('hotpatch-agent');
exports.vsn = '2';
exports.counter = defineServer({
  init: (args) => ({ count: 0, poison: Boolean(args?.poison), history: [] }),
  handleCall(message, state) {
    switch (message.op) {
      case 'inc': {
        const count = state.count + 1;
        return { reply: { count, vsn: '2' }, state: { ...state, count, history: [...state.history, count] } };
      }
      case 'crash':
        throw new Error('asked to crash');
      default:
        return { reply: { ...state, vsn: '2' }, state };
    }
  },
  codeChange: (from, state) => ({ ...state, history: [] }),
});
`;

interface Started {
  app: App;
  client: AgentClient;
}

async function startServers(env: Record<string, string> = {}): Promise<Started> {
  const app = await App.start('cjs', { fixture: 'servers', env });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const count = Number(env.COUNTERS ?? 3);
  await waitFor(`${count} initialized counters`, async () => (await client.processes()).length === count);
  return { app, client };
}

/** A call through the app's HTTP endpoint (answered when the process handles it). */
async function call<T>(app: App, name: string, msg: object): Promise<T> {
  return JSON.parse(await app.get(`/call?name=${name}&msg=${encodeURIComponent(JSON.stringify(msg))}`)) as T;
}

async function rejectsWithCode(promise: Promise<unknown>, code: number, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => assert.fail(`expected the agent to answer ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AgentError, String(error));
  assert.equal(error.code, code, error.message);
  assert.match(error.message, message);
}

describe('sys on the protocol (sys_SUITE)', () => {
  test('suspend, replace_state and get_status while suspended: the replace is answered at once, ahead of queued calls', async () => {
    const { app, client } = await startServers();
    await call(app, 'counter-1', { op: 'inc' });
    const suspended = await client.suspend('counter-1');
    assert.equal(suspended.process.status, 'suspended');

    const queued = call<{ count: number; vsn: string }>(app, 'counter-1', { op: 'inc' });
    await waitFor('the call to queue', async () => (await client.status('counter-1')).process.mailbox === 1);
    // Before: queued behind the call, so no answer until resume.
    await client.replaceState('counter-1', { count: 41, poison: false });
    const status = await client.status('counter-1');
    assert.deepEqual(status.state, { count: 41, poison: false });
    assert.deepEqual(status.suspendedBy, ['sys']);
    assert.equal(status.process.mailbox, 1, 'the queued call is still queued');
    assert.equal(status.initialized, true);

    const resumed = await client.resume('counter-1');
    assert.equal(resumed.process.status, 'running');
    assert.deepEqual(await queued, { count: 42, vsn: '1' }, 'the queued call ran on the replaced state');
    assert.deepEqual((await client.status('counter-1')).suspendedBy, []);
  });

  test('suspend times out on a handler that does not finish: -32018, and the process is left running', async () => {
    const { app, client } = await startServers();
    const hanging = app.get('/call?name=counter-0&msg=' + encodeURIComponent('{"op":"hang"}'));
    await waitFor('the handler to hang', async () => (await client.status('counter-0')).handling === 'call');
    await rejectsWithCode(client.suspend('counter-0', 200), SuspendTimeout, /still handling a call after 200 ms/);
    assert.deepEqual((await client.status('counter-0')).suspendedBy, []);
    await app.get('/release');
    assert.equal(JSON.parse(await hanging), 'released');
    assert.equal((await call<{ count: number }>(app, 'counter-0', { op: 'inc' })).count, 1, 'it takes messages');
  });

  test('a process suspended by sys stays suspended through an upgrade, migrated; resume runs its queue on the new code', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    await client.suspend('counter-2');
    const queued = call<{ count: number; vsn: string }>(app, 'counter-2', { op: 'inc' });
    await waitFor('the call to queue', async () => (await client.status('counter-2')).process.mailbox === 1);

    const plan = await client.prepare({ modules: [{ file, code: counterV2, origin: 'protocol' }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    await client.commit(plan.id);
    const status = await client.status('counter-2');
    assert.deepEqual(status.suspendedBy, ['sys'], 'the upgrade resumed only what it suspended');
    assert.equal(status.process.vsn, '2');
    assert.deepEqual(status.state, { count: 0, poison: false, history: [] });

    await client.resume('counter-2');
    assert.deepEqual(await queued, { count: 1, vsn: '2' });
  });

  test('replace_state during an upgrade is refused at once (-32017), never writing an old-shaped state over the migrated one', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    await call(app, 'counter-1', { op: 'inc' });
    // counter-0 hangs in a handler, so the commit stays in its suspend stage until released.
    const hanging = app.get('/call?name=counter-0&msg=' + encodeURIComponent('{"op":"hang"}'));
    await waitFor('the handler to hang', async () => (await client.status('counter-0')).handling === 'call');
    const plan = await client.prepare({ modules: [{ file, code: counterV2, origin: 'protocol' }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    const committed = client.commit(plan.id, 30_000);
    await waitFor('counter-1 suspended by the upgrade', async () =>
      (await client.status('counter-1')).suspendedBy.includes('upgrade'),
    );

    // Before: queued until the upgrade resumed the process, then written over the migrated
    // state, and the next call crashed on `state.history` being undefined.
    await rejectsWithCode(
      client.replaceState('counter-1', { count: 7, poison: false }),
      UpgradeInProgress,
      /counter#\d+: its module .*counter\.js is being upgraded/,
    );
    await app.get('/release');
    assert.equal(JSON.parse(await hanging), 'released');
    await committed;

    assert.deepEqual(await call(app, 'counter-1', { op: 'inc' }), { count: 2, vsn: '2' }, 'migrated, not replaced');
    // After the upgrade the replace applies, in the new shape.
    await client.replaceState('counter-1', { count: 7, poison: false, history: [7] });
    assert.deepEqual(await call(app, 'counter-1', { op: 'inc' }), { count: 8, vsn: '2' });
  });
});

describe('supervisors (supervisor_SUITE)', () => {
  test('restart_child: "Load and restart processes" of 4 children under intensity 3 in 5 s leaves all 4 running', async () => {
    const { app, client } = await startServers({ COUNTERS: '4', INTENSITY: '3', PERIOD: '5000' });
    const file = app.file('counter.js');
    const before = (await client.processes()).map((p) => p.id).sort();
    const plan = await client.prepare({ modules: [{ file, code: counterV2, origin: 'protocol' }], restart: true });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    const result = await client.commit(plan.id);
    assert.equal(result.processes, 4);

    // Before: the 4 kills counted as crashes, the supervisor gave up, and none were left.
    const after = await waitFor('4 restarted counters', async () => {
      const list = await client.processes();
      return list.length === 4 && list.every((p) => !before.includes(p.id)) && list;
    });
    assert.deepEqual(
      after.map((p) => [p.name, p.vsn]).sort(),
      [0, 1, 2, 3].map((i) => [`counter-${i}`, '2']),
    );
    for (let i = 0; i < 4; i++)
      assert.deepEqual(await call(app, `counter-${i}`, { op: 'inc' }), { count: 1, vsn: '2' });

    // The supervisor is up, its intensity untouched: a crash is restarted.
    const crashed = JSON.parse(await app.get('/whereis?name=counter-0')) as string;
    assert.match(await app.get('/call?name=counter-0&msg=' + encodeURIComponent('{"op":"crash"}')), /asked to crash/);
    await waitFor('counter-0 restarted after its crash', async () => {
      const id = JSON.parse(await app.get('/whereis?name=counter-0')) as string | null;
      return id !== null && id !== crashed;
    });
  });
});

describe('start failures (supervisor_SUITE)', () => {
  test('restart_fails: restarting on a version whose init throws is retried until the intensity is spent, and the app lives', async () => {
    const { app, client } = await startServers({ COUNTERS: '2', INTENSITY: '3', PERIOD: '5000' });
    const file = app.file('counter.js');
    const exits: string[] = [];
    client.on('processExited', (process, reason) => exits.push(`${process.name}: ${reason}`));
    const broken = counterV2.replace(
      'init: (args) => ({ count: 0, poison: Boolean(args?.poison), history: [] }),',
      "init: () => { throw new Error('no database'); },",
    );
    assert.notEqual(broken, counterV2);
    const plan = await client.prepare({ modules: [{ file, code: broken, origin: 'protocol' }], restart: true });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    await client.commit(plan.id);

    // The restart plan's kills are free; then each failed start counts: with intensity 3 the
    // supervisor tries 3 restarts, then gives up, naming the last failure. Before: the kills
    // counted, and a start that threw stopped the supervisor at once.
    const supervisor = await waitFor('the supervisor to give up', async () => {
      const s = JSON.parse(await app.get('/supervisor')) as { status: string; exit: { error: string } | null };
      return s.status === 'dead' && s;
    });
    assert.match(
      supervisor.exit!.error,
      /^reached max restart intensity \(3 in 5000 ms\); the last restart failed: could not restart counter-\d: counter#\d+ did not start: init failed: no database$/,
    );
    assert.deepEqual(await client.processes(), []);
    // Both processes the plan killed started again on the new code and failed, then 3 restarts.
    await waitFor('every exit notified', () => exits.filter((e) => e.endsWith('init failed: no database')).length >= 5);
    assert.equal(exits.filter((e) => e.endsWith('init failed: no database')).length, 5, exits.join('\n'));
    assert.equal(exits.filter((e) => e.endsWith(': killed')).length, 2, 'the restart plan killed both');
    // No unhandled rejection ended the app: it still answers.
    assert.equal(JSON.parse(await app.get('/whereis?name=counter-0')), null);
    assert.doesNotMatch(app.output.stderr, /Unhandled|uncaught/i);
  });
});

describe('rollback (release_handler_SUITE)', () => {
  test('rollback with no old version answers -32012, as PROTOCOL.md documents, and changes nothing', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    await rejectsWithCode(client.rollback({ files: [file] }), NoOldVersion, /counter\.js has no old version/);
    assert.deepEqual(await call(app, 'counter-0', { op: 'inc' }), { count: 1, vsn: '1' });
  });
});
