/**
 * State-preserving upgrades against a real app: servers under a supervisor keep their state
 * across code changes; a state-changing codeChange migrates them while they are suspended,
 * with nothing lost or handled twice; a failed migration changes nothing.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AgentError, type AgentClient } from 'hotpatch-extension/engine';
import type { StateShape, UpgradeErrorData } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { waitFor } from '../helpers/wait';

const UpgradeFailed = -32015;
const SoftPurgeRefused = -32013;

/** Version 2 of counter.js: state gains `history`, migrated by codeChange. */
const counterV2 = (options: { throwFor?: string; badShape?: boolean } = {}): string => `
const { defineServer } = require('hotpatch-agent');
exports.vsn = '2';
exports.counter = defineServer({
  init: (args) => ({ count: 0, poison: Boolean(args?.poison), history: [] }),
  handleCall(message, state) {
    switch (message.op) {
      case 'inc': {
        const count = state.count + 1;
        return { reply: { count, vsn: '2' }, state: { ...state, count, history: [...state.history.slice(-9), count] } };
      }
      default:
        return { reply: { ...state, vsn: '2' }, state };
    }
  },
  codeChange(from, state, extra) {
    if (typeof from === 'object') return { count: state.count, poison: state.poison };
    ${options.throwFor ? `if (state.${options.throwFor}) throw new Error('cannot migrate a poisoned counter');` : ''}
    return { ...state, history: ${options.badShape ? "'none'" : '[]'}, migratedFrom: from, note: extra?.note };
  },
});
`;

const counterShape: StateShape = {
  type: 'object',
  properties: {
    count: { shape: { type: 'number' } },
    poison: { shape: { type: 'boolean' } },
    history: { shape: { type: 'array', element: { type: 'number' } } },
  },
};

async function startServers(env: Record<string, string> = {}): Promise<{ app: App; client: AgentClient }> {
  const app = await App.start('cjs', { fixture: 'servers', env });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  await waitFor('three initialized counters', async () => (await client.processes()).length === 3);
  return { app, client };
}

async function callJson<T>(app: App, name: string, msg: object): Promise<T> {
  return JSON.parse(await app.get(`/call?name=${name}&msg=${encodeURIComponent(JSON.stringify(msg))}`)) as T;
}

async function assertUpgradeFails(promise: Promise<unknown>): Promise<UpgradeErrorData> {
  const error = await promise.then(
    () => assert.fail('the upgrade should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof AgentError, String(error));
  assert.equal(error.code, UpgradeFailed, error.message);
  return error.data as UpgradeErrorData;
}

describe('state-preserving upgrades', () => {
  test('a steady stream of calls across a state-changing upgrade: none lost or handled twice', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    await app.get('/stream/start?name=counter-0&concurrency=32');
    await waitFor('calls flowing', async () => JSON.parse(await app.get('/stream/stats')).answered > 2000);

    const plan = await client.prepare({
      modules: [{ file, code: counterV2(), origin: 'editor' }],
      extra: { note: 'added history' },
      shapes: { [file]: counterShape },
      previews: 3,
    });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    assert.deepEqual(plan.modules, [{ file, fromVsn: '1', toVsn: '2', processes: 3, migration: true }]);
    assert.equal(plan.previews.length, 3);
    assert.deepEqual(Object.keys(plan.previews[0]!.after as object).sort(), [
      'count',
      'history',
      'migratedFrom',
      'note',
      'poison',
    ]);

    const result = await client.commit(plan.id);
    assert.equal(result.processes, 3);
    assert.deepEqual(
      result.modules.map((m) => [m.current.vsn, m.old?.vsn]),
      [['2', '1']],
    );
    const statsAtCommit = JSON.parse(await app.get('/stream/stats')) as { answered: number };
    await waitFor(
      'calls served by the new code',
      async () => JSON.parse(await app.get('/stream/stats')).lastVsn === '2',
    );
    const stopped = JSON.parse(await app.get('/stream/stop')) as {
      sent: number;
      answered: number;
      duplicates: number;
      errors: string[];
    };
    assert.deepEqual(stopped.errors, []);
    assert.equal(stopped.answered, stopped.sent, 'every call answered');
    assert.equal(stopped.duplicates, 0, 'no call answered twice');
    assert.ok(stopped.sent > statsAtCommit.answered, 'calls kept flowing after the commit');

    const state = await callJson<{ count: number; history: number[]; migratedFrom: string; note: string; vsn: string }>(
      app,
      'counter-0',
      { op: 'get' },
    );
    assert.equal(state.count, stopped.sent, 'the count saw every call exactly once, across the upgrade');
    assert.equal(state.migratedFrom, '1');
    assert.equal(state.note, 'added history');
    assert.equal(state.vsn, '2');
    assert.ok(state.history.length > 0 && state.history.at(-1) === state.count, 'new code records history');
    const processes = await client.processes(file);
    assert.ok(processes.every((p) => p.vsn === '2' && p.status === 'running'));
  });

  test('a codeChange throwing for one of many processes aborts everything, naming the process', async () => {
    const { app, client } = await startServers({ POISON: '1' });
    const file = app.file('counter.js');
    await callJson(app, 'counter-0', { op: 'inc' });
    const plan = await client.prepare({ modules: [{ file, code: counterV2({ throwFor: 'poison' }) }] });
    assert.equal(plan.ok, false);
    const poisoned = (await client.processes(file)).find((p) => p.name === 'counter-2')!;
    assert.deepEqual(
      plan.errors.map((e) => [e.process, e.message, e.wrongShape]),
      [[poisoned.id, 'codeChange threw: cannot migrate a poisoned counter', undefined]],
    );
    await assert.rejects(client.commit(plan.id), /no prepared plan/);
    const state = await callJson<{ count: number; vsn: string; history?: unknown }>(app, 'counter-0', { op: 'get' });
    assert.deepEqual([state.count, state.vsn, state.history], [1, '1', undefined], 'old code, old state');
    assert.equal((await client.modules()).find((m) => m.file === file)?.current.vsn, '1');
  });

  test('a state that changes between prepare and commit fails the commit; every process keeps old code and state', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    await callJson(app, 'counter-1', { op: 'inc' });
    const plan = await client.prepare({ modules: [{ file, code: counterV2({ throwFor: 'poison' }) }] });
    assert.equal(plan.ok, true);
    await client.replaceState('counter-1', { count: 41, poison: true });
    const data = await assertUpgradeFails(client.commit(plan.id));
    const target = (await client.processes(file)).find((p) => p.name === 'counter-1')!;
    assert.equal(data.stage, 'migrate');
    assert.deepEqual(
      data.errors.map((e) => e.process),
      [target.id],
    );
    assert.deepEqual(await callJson(app, 'counter-1', { op: 'inc' }), { count: 42, vsn: '1' });
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'inc' }), { count: 1, vsn: '1' });
  });

  test('a migrated state failing the supplied shape aborts, naming process and path', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    const plan = await client.prepare({
      modules: [{ file, code: counterV2({ badShape: true }) }],
      shapes: { [file]: counterShape },
    });
    assert.equal(plan.ok, false);
    assert.equal(plan.errors.length, 3);
    assert.match(plan.errors[0]!.message, /codeChange returned state\.history: expected an array, found string "none"/);
    assert.match(plan.errors[0]!.process ?? '', /^counter#\d+$/);
    assert.deepEqual(
      plan.errors.map((e) => e.wrongShape),
      [true, true, true],
      'told apart from a codeChange that threw: the editor asks for a migration',
    );
    assert.equal((await callJson<{ vsn: string }>(app, 'counter-0', { op: 'get' })).vsn, '1');
  });

  test('a two-module transaction where the second fails to prepare changes nothing', async () => {
    const { app, client } = await startServers();
    const counter = app.file('counter.js');
    const greeting = app.file('greeting.js');
    const plan = await client.prepare({
      modules: [
        { file: counter, code: counterV2() },
        { file: greeting, code: 'exports.greet = (name) => {' },
      ],
    });
    assert.equal(plan.ok, false);
    assert.deepEqual(
      plan.errors.map((e) => [e.file, e.line]),
      [[greeting, 1]],
    );
    assert.match(plan.errors[0]!.message, /syntax error/);
    const modules = await client.modules();
    assert.deepEqual(
      [counter, greeting].map((f) => modules.find((m) => m.file === f)?.current.vsn),
      ['1', '1'],
    );
    assert.equal((await callJson<{ vsn: string }>(app, 'counter-0', { op: 'inc' })).vsn, '1');
  });

  test('rollback makes the old version current again through codeChange({ down })', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    const plan = await client.prepare({ modules: [{ file, code: counterV2() }] });
    await client.commit(plan.id);
    await callJson(app, 'counter-0', { op: 'inc' });
    await callJson(app, 'counter-0', { op: 'inc' });
    assert.deepEqual((await callJson<{ history: number[] }>(app, 'counter-0', { op: 'get' })).history, [1, 2]);

    const result = await client.rollback({ files: [file] });
    assert.deepEqual(
      result.modules.map((m) => [m.current.vsn, m.current.origin, m.old?.vsn]),
      [['1', 'rollback', '2']],
    );
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'get' }), { count: 2, poison: false, vsn: '1' });
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'inc' }), { count: 3, vsn: '1' });
  });

  test('a codeChange edited in a later load runs as edited, and so do the helpers it calls', async () => {
    // The second load keeps the defineServer statement and stages the new bodies of the
    // functions in it: the migration must run them, not the running version's.
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    const version = (vsn: string, mark: string, codeChange: string): string => `
const { defineServer } = require('hotpatch-agent');
function label(from) { return '${mark}' + from; }
exports.vsn = '${vsn}';
exports.counter = defineServer({
  init: () => ({ count: 0, poison: false }),
  handleCall(message, state) { return { reply: { ...state, vsn: '${vsn}' }, state }; },
  codeChange(from, state) { ${codeChange} },
});
`;
    const loads: Array<[string, string, string]> = [
      ['2', 'a:', 'return { ...state, migratedFrom: label(from) };'],
      ['3', 'b:', 'return { ...state, migratedFrom: label(from), loads: (state.loads ?? 1) + 1 };'],
    ];
    for (const [vsn, mark, codeChange] of loads) {
      const plan = await client.prepare({ modules: [{ file, code: version(vsn, mark, codeChange) }] });
      assert.equal(plan.ok, true, JSON.stringify(plan.errors));
      await client.commit(plan.id);
    }
    assert.deepEqual(await callJson(app, 'counter-0', { op: 'get' }), {
      count: 0,
      poison: false,
      migratedFrom: 'b:2',
      loads: 2,
      vsn: '3',
    });
  });

  test('a handler stuck in an await: commit times out; soft purge refuses; purge kills; the supervisor restarts it on current code', async () => {
    const { app, client } = await startServers();
    const file = app.file('counter.js');
    const hung = app.get('/call?name=counter-0&msg=' + encodeURIComponent('{"op":"hang"}'));
    await waitFor('the handler to be stuck', async () =>
      (await client.processes(file)).some((p) => p.name === 'counter-0' && p.busyMs !== undefined),
    );
    const stuck = (await client.processes(file)).find((p) => p.name === 'counter-0')!;

    const plan = await client.prepare({ modules: [{ file, code: counterV2() }] });
    const data = await assertUpgradeFails(client.commit(plan.id, 300));
    assert.equal(data.stage, 'suspend');
    assert.deepEqual(
      data.errors.map((e) => e.process),
      [stuck.id],
    );
    assert.match(data.errors[0]!.message, /still handling a call after 300 ms \(started in vsn 1\)/);
    assert.equal((await callJson<{ vsn: string }>(app, 'counter-1', { op: 'inc' })).vsn, '1', 'others resumed');

    // Erlang's l(Mod): the new code loads; the stuck handler is still running the old one.
    await client.load({ file, code: counterV2() });
    const soft = await client.softPurge(file).then(
      () => assert.fail('soft purge should refuse'),
      (e: unknown) => e as AgentError,
    );
    assert.equal(soft.code, SoftPurgeRefused);
    assert.match(
      soft.message,
      new RegExp(`still run its old code: ${stuck.id.replace(/[#]/g, '\\$&')} \\(handling a call`),
    );

    const exits: string[] = [];
    client.on('processExited', (p, reason) => exits.push(`${p.id}:${reason}`));
    const purged = await client.purge(file);
    assert.deepEqual(
      purged.killed.map((p) => p.id),
      [stuck.id],
    );
    assert.match(JSON.parse(await hung).error, /exited: killed/);
    const restarted = await waitFor('the supervisor to restart counter-0', async () => {
      const id = JSON.parse(await app.get('/whereis?name=counter-0')) as string | null;
      return id !== null && id !== stuck.id ? id : undefined;
    });
    const state = await callJson<{ vsn: string; history: unknown[] }>(app, 'counter-0', { op: 'get' });
    assert.deepEqual([state.vsn, state.history], ['2', []], `${restarted} runs v2's init`);
    await waitFor('processExited notification', () => exits.includes(`${stuck.id}:killed`));
  });

  test('hotpatch load prepares and commits, printing the plan; hotpatch ps lists processes', async () => {
    const { app } = await startServers();
    app.edit('counter.js', () => counterV2());
    const load = await runCli(['load', app.file('counter.js')], app.discoveryDir);
    assert.equal(load.code, 0, load.stderr + load.stdout);
    assert.match(load.stdout, /plan: counter\.js 1 → 2, 3 processes, codeChange/);
    assert.match(load.stdout, /✓ .*counter\.js: vsn 2 \(#2\) is current; 3 processes migrated/);

    const ps = await runCli(['ps', '--json'], app.discoveryDir);
    assert.equal(ps.code, 0, ps.stderr);
    const { agents } = JSON.parse(ps.stdout) as { agents: { processes: { name?: string; vsn?: string }[] }[] };
    assert.deepEqual(agents[0]!.processes.map((p) => [p.name, p.vsn]).sort(), [
      ['counter-0', '2'],
      ['counter-1', '2'],
      ['counter-2', '2'],
    ]);
    const text = await runCli(['ps'], app.discoveryDir);
    assert.match(text.stdout, /counter#\d+ +counter-0 +counter\.js +vsn 2 +running/);
  });
});
