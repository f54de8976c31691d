/**
 * A migration that fails changes nothing, and no migration can end the app. Against a real app
 * with three counter servers: a codeChange that writes to the state it gets and then throws at
 * commit leaves the live state as it was; one that returns undefined is refused at prepare and
 * at commit; an async one that rejects is refused without an unhandled rejection.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AgentError, type AgentClient } from 'hotpatch-extension/engine';
import type { UpgradeErrorData } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { waitFor } from '../helpers/wait';
import { counterWith } from '../helpers/counter-versions';

const UpgradeFailed = -32015;

async function startServers(): Promise<{ app: App; client: AgentClient; file: string }> {
  const app = await App.start('cjs', { fixture: 'servers' });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  await waitFor('three initialized counters', async () => (await client.processes()).length === 3);
  return { app, client, file: app.file('counter.js') };
}

async function callJson(app: App, name: string, msg: object): Promise<unknown> {
  return JSON.parse(await app.get(`/call?name=${name}&msg=${encodeURIComponent(JSON.stringify(msg))}`));
}

async function commitFails(client: AgentClient, plan: string): Promise<UpgradeErrorData> {
  const error = await client.commit(plan).then(
    () => assert.fail('the commit should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AgentError, String(error));
  assert.equal(error.code, UpgradeFailed, error.message);
  assert.match(error.message, /nothing changed/);
  return error.data as UpgradeErrorData;
}

describe('a failed migration keeps none of its writes', () => {
  test('a codeChange that mutates its input and then throws at commit: the live state is untouched', async () => {
    const { app, client, file } = await startServers();
    await callJson(app, 'counter-1', { op: 'inc' });
    // Throws only for a poisoned state, which counter-1 becomes between prepare and commit; by
    // then it has written to the state it got, and so has every process migrated before it.
    const code = counterWith(`
      state.count = -1;
      state.items = [];
      if (state.poison) throw new Error('half way');
      return { ...state, poison: false };
    `);
    const plan = await client.prepare({ modules: [{ file, code }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    // The dry run ran on copies: nothing live was written.
    assert.deepEqual(await callJson(app, 'counter-1', { op: 'get' }), { count: 1, poison: false, vsn: '1' });
    await client.replaceState('counter-1', { count: 41, poison: true });
    const data = await commitFails(client, plan.id);
    assert.equal(data.stage, 'migrate');
    assert.match(data.errors[0]!.message, /codeChange threw: half way/);
    assert.deepEqual(await callJson(app, 'counter-1', { op: 'get' }), { count: 41, poison: true, vsn: '1' });
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'get' }), { count: 0, poison: false, vsn: '1' });
    assert.deepEqual(await callJson(app, 'counter-1', { op: 'inc' }), { count: 42, vsn: '1' });
  });

  test('a commit that succeeds installs what codeChange returned, computed on a copy', async () => {
    const { app, client, file } = await startServers();
    await callJson(app, 'counter-0', { op: 'inc' });
    const code = counterWith(`state.count += 100; return state;`);
    const plan = await client.prepare({ modules: [{ file, code }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    await client.commit(plan.id);
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'get' }), { count: 101, poison: false, vsn: '2' });
  });
});

describe('a migration returning undefined is refused', () => {
  test('at prepare: every process named, "codeChange returned undefined", nothing staged', async () => {
    const { app, client, file } = await startServers();
    await callJson(app, 'counter-0', { op: 'inc' });
    const plan = await client.prepare({ modules: [{ file, code: counterWith(`state.count = 0;`) }] });
    assert.equal(plan.ok, false);
    assert.equal(plan.errors.length, 3);
    for (const error of plan.errors) {
      assert.match(error.process ?? '', /^counter#\d+$/);
      assert.match(error.message, /^codeChange returned undefined/);
    }
    await assert.rejects(client.commit(plan.id), /no prepared plan/);
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'inc' }), { count: 2, vsn: '1' });
  });

  test('at commit: aborted with "codeChange returned undefined", the old state and code kept', async () => {
    const { app, client, file } = await startServers();
    const code = counterWith(`if (state.poison) return undefined; return { ...state };`);
    const plan = await client.prepare({ modules: [{ file, code }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    await client.replaceState('counter-2', { count: 7, poison: true });
    const data = await commitFails(client, plan.id);
    assert.equal(data.stage, 'migrate');
    assert.equal(data.errors.length, 1);
    assert.match(data.errors[0]!.message, /^codeChange returned undefined/);
    assert.deepEqual(await callJson(app, 'counter-2', { op: 'inc' }), { count: 8, vsn: '1' });
    assert.equal((await client.modules()).find((m) => m.file === file)?.current.vsn, '1');
  });
});

describe('an async codeChange', () => {
  test('that rejects: refused at prepare, and the app does not die of the rejection', async () => {
    const { app, client, file } = await startServers();
    const code = counterWith(`throw new Error('async migration failed');`, { async: true });
    const plan = await client.prepare({ modules: [{ file, code }] });
    assert.equal(plan.ok, false);
    assert.match(plan.errors[0]!.message, /codeChange must return the new state synchronously/);
    // An unhandled rejection ends the process once the current macrotask is done: well before
    // these answers come back.
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'inc' }), { count: 1, vsn: '1' });
    assert.ok(Array.isArray(await client.processes()));
    assert.equal(app.child.exitCode, null, app.output.stderr);
    assert.doesNotMatch(app.output.stderr, /async migration failed/);
  });
});
