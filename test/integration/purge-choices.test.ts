/**
 * Purge choices in a real app, through the protocol (issue 12): an upgrade's `purge` instead of
 * waiting for running handlers (release_handler_SUITE: soft_purge / brutal_purge), and a load's
 * (code_SUITE: load_file's not_purged, soft purge before a load).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AgentError, type AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { waitFor } from '../helpers/wait';

const SoftPurgeRefused = -32013;
const UpgradeFailed = -32015;
const NotPurged = -32019;

/** The fixture's counter.js at another vsn (same state, no migration). */
const counterAt = (vsn: string): string => `
const { defineServer } = require('hotpatch-agent');
exports.vsn = '${vsn}';
exports.counter = defineServer({
  init: (args) => ({ count: 0, poison: Boolean(args?.poison) }),
  handleCall(message, state) {
    if (message.op === 'inc') return { reply: { count: state.count + 1, vsn: '${vsn}' }, state: { ...state, count: state.count + 1 } };
    return { reply: { ...state, vsn: '${vsn}' }, state };
  },
});
`;

async function startServers(): Promise<{ app: App; client: AgentClient; file: string }> {
  const app = await App.start('cjs', { fixture: 'servers' });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  await waitFor('3 initialized counters', async () => (await client.processes()).length === 3);
  return { app, client, file: app.file('counter.js') };
}

/** counter-0 stuck in a handler until /release; resolves once it is (wrapped: an async function would wait for the reply). */
async function hang(app: App, client: AgentClient): Promise<{ reply: Promise<string> }> {
  const reply = app.get('/call?name=counter-0&msg=' + encodeURIComponent('{"op":"hang"}'));
  await waitFor('counter-0 in its handler', async () => (await client.status('counter-0')).handling === 'call');
  return { reply };
}

async function failure(promise: Promise<unknown>, code: number): Promise<AgentError> {
  const error = await promise.then(
    () => assert.fail(`expected the agent to answer ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AgentError, String(error));
  assert.equal(error.code, code, error.message);
  return error;
}

async function inc(app: App, name: string): Promise<{ count: number; vsn: string }> {
  return JSON.parse(await app.get(`/call?name=${name}&msg=${encodeURIComponent('{"op":"inc"}')}`)) as never;
}

describe('purge choices of an upgrade (release_handler_SUITE)', () => {
  test('soft_purge: a process still in a handler refuses the upgrade at once, named, without waiting for the suspend timeout', async () => {
    const { app, client, file } = await startServers();
    const { reply: hanging } = await hang(app, client);
    const id = (await client.status('counter-0')).process.id;
    const plan = await client.prepare({ modules: [{ file, code: counterAt('2'), origin: 'protocol' }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));

    const started = Date.now();
    const error = await failure(client.commit(plan.id, 60_000, 'soft'), UpgradeFailed);
    assert.ok(Date.now() - started < 30_000, 'refused at once, not after the 60 s suspend timeout');
    const data = error.data as { stage: string; errors: { process?: string; message: string }[] };
    assert.equal(data.stage, 'suspend');
    assert.deepEqual(
      data.errors.map((e) => e.process),
      [id],
    );
    assert.match(
      data.errors[0]!.message,
      /still running vsn 1 code \(handling a call for \d+ ms\); the soft purge refuses/,
    );

    // Nothing changed: every process runs on, on vsn 1, and none is left suspended.
    assert.deepEqual(await inc(app, 'counter-1'), { count: 1, vsn: '1' });
    assert.deepEqual((await client.status('counter-1')).suspendedBy, []);
    await app.get('/release');
    assert.equal(JSON.parse(await hanging), 'released');
  });

  test('brutal_purge: a process still in a handler is killed, and its supervisor starts it again on the new code', async () => {
    const { app, client, file } = await startServers();
    const { reply: hanging } = await hang(app, client);
    const id = (await client.status('counter-0')).process.id;
    const plan = await client.prepare({ modules: [{ file, code: counterAt('2'), origin: 'protocol' }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));

    const result = await client.commit(plan.id, 60_000, 'brutal');
    assert.ok(
      result.warnings.some((w) =>
        w.startsWith(`${id} was killed by the brutal purge: it was still running vsn 1 code`),
      ),
      result.warnings.join('\n'),
    );
    assert.match(await hanging, /exited: killed/);
    await waitFor('counter-0 restarted', async () => {
      const status = await client.status('counter-0').catch(() => undefined);
      return status !== undefined && status.process.id !== id;
    });
    assert.deepEqual(await inc(app, 'counter-0'), { count: 1, vsn: '2' });
    assert.deepEqual(await inc(app, 'counter-1'), { count: 1, vsn: '2' }, 'the others were migrated, not killed');
  });
});

describe('purge choices of a load (code_SUITE)', () => {
  test("load_file not_purged: a load with purge 'not_purged' refuses while the module has old code; after a purge it loads", async () => {
    const { client, file } = await startServers();
    await client.load({ file, code: counterAt('2'), origin: 'protocol' });
    const error = await failure(
      client.load({ file, code: counterAt('3'), origin: 'protocol', purge: 'not_purged' }),
      NotPurged,
    );
    assert.match(error.message, /counter\.js still has old code \(vsn 1\) that is not purged; purge it first/);
    assert.equal((await client.modules()).find((m) => m.file === file)?.current?.vsn, '2', 'nothing loaded');

    await client.purge(file);
    const loaded = await client.load({ file, code: counterAt('3'), origin: 'protocol', purge: 'not_purged' });
    assert.equal(loaded.module.current?.vsn, '3');
  });

  test("soft_purge before a load: purge 'soft' refuses the load at once, naming the process still in the old version", async () => {
    const { app, client, file } = await startServers();
    const { reply: hanging } = await hang(app, client);
    const id = (await client.status('counter-0')).process.id;
    // Its handler started in vsn 1; after this load vsn 1 is the old version it still runs.
    await client.load({ file, code: counterAt('2'), origin: 'protocol' });
    assert.equal((await client.status('counter-0')).process.runsOldCode, true);

    const error = await failure(
      client.load({ file, code: counterAt('3'), origin: 'protocol', purge: 'soft' }),
      SoftPurgeRefused,
    );
    assert.match(
      error.message,
      new RegExp(`still run its old code: ${id.replace(/[.#]/g, '\\$&')} \\(handling a call`),
    );
    assert.deepEqual(error.data, { processes: [id] });
    assert.equal((await client.modules()).find((m) => m.file === file)?.current?.vsn, '2', 'nothing loaded');

    await app.get('/release');
    assert.equal(JSON.parse(await hanging), 'released', 'the process was not killed');
    const loaded = await client.load({ file, code: counterAt('3'), origin: 'protocol', purge: 'soft' });
    assert.equal(loaded.module.current?.vsn, '3');
  });
});
