/**
 * Nothing a load runs can freeze the app: a version's top level and each codeChange run within
 * a time budget (HOTPATCH_TOP_LEVEL_BUDGET_MS, HOTPATCH_CODE_CHANGE_BUDGET_MS), past which they
 * are cut off (vm's watchdog: nested calls too) and the load refused, naming the file, the
 * process and the budget, while the app serves its old code and state. A prepared version's
 * timers do not run until it is committed, and never when it is aborted.
 *
 * Real apps (the `servers` fixture); no timing is asserted: a loop that never ends either is cut
 * off or the test times out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AgentError, type AgentClient } from 'hotpatch-extension/engine';
import { AgentErrorCode, type LoadErrorData, type UpgradeErrorData } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { nodeRuntimes } from '../helpers/paths';
import { waitFor } from '../helpers/wait';
import { counterWith } from '../helpers/counter-versions';

const TOP_LEVEL_MS = 1000;
const CODE_CHANGE_MS = 500;

async function startApp(runtime = nodeRuntimes()[0]!): Promise<{ app: App; client: AgentClient }> {
  const app = await App.start('cjs', {
    runtime,
    fixture: 'servers',
    env: {
      HOTPATCH_TOP_LEVEL_BUDGET_MS: String(TOP_LEVEL_MS),
      HOTPATCH_CODE_CHANGE_BUDGET_MS: String(CODE_CHANGE_MS),
    },
  });
  const client = await app.connect();
  await waitFor('three initialized counters', async () => (await client.processes()).length === 3);
  return { app, client };
}

async function stopApp(app: App | undefined, client: AgentClient | undefined): Promise<void> {
  client?.close();
  await app?.stop();
}

async function callJson(app: App, name: string, msg: object): Promise<unknown> {
  return JSON.parse(await app.get(`/call?name=${name}&msg=${encodeURIComponent(JSON.stringify(msg))}`));
}

/** The app still serves: its old greeting and counters answer, and nothing was loaded. */
async function stillServing(app: App, client: AgentClient, count: number): Promise<void> {
  assert.deepEqual(await callJson(app, 'counter-0', { op: 'inc' }), { count, vsn: '1' });
  const modules = await client.modules();
  assert.equal(modules.find((m) => m.file === app.file('greeting.js'))?.current.vsn, '1');
  assert.equal(modules.find((m) => m.file === app.file('counter.js'))?.current.vsn, '1');
  assert.equal(app.child.exitCode, null, app.output.stderr);
}

// A loop in a function the top level calls: the watchdog stops nested calls too.
const endlessTopLevel = `
exports.vsn = '2';
function spin() { for (;;) {} }
spin();
exports.greet = (name) => 'never, ' + name;
`;

for (const runtime of nodeRuntimes()) {
  describe(`node ${runtime.major}: a top level that never ends`, () => {
    let app: App;
    let client: AgentClient;
    before(async () => ({ app, client } = await startApp(runtime)));
    after(() => stopApp(app, client));

    test('agent/load is refused with a timeout naming the file and the budget', async () => {
      const file = app.file('greeting.js');
      const error = await client.load({ file, code: endlessTopLevel, origin: 'protocol' }).then(
        () => assert.fail('the load should have been refused'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof AgentError, String(error));
      assert.equal(error.code, AgentErrorCode.LoadFailed);
      assert.equal((error.data as LoadErrorData).kind, 'timeout');
      assert.equal((error.data as LoadErrorData).file, file);
      assert.match(error.message, new RegExp(`greeting\\.js: top level cut off: .*time budget of ${TOP_LEVEL_MS} ms`));
      await stillServing(app, client, 1);
    });

    test('agent/prepare is refused the same way; the next good load works', async () => {
      const file = app.file('greeting.js');
      const plan = await client.prepare({ modules: [{ file, code: endlessTopLevel, origin: 'protocol' }] });
      assert.equal(plan.ok, false);
      assert.match(plan.errors[0]!.message, new RegExp(`time budget of ${TOP_LEVEL_MS} ms`));
      await stillServing(app, client, 2);
      const loaded = await client.load({
        file,
        code: `exports.vsn = '2'; exports.greet = (n) => 'hi, ' + n;`,
        origin: 'protocol',
      });
      assert.equal(loaded.module.current.vsn, '2');
    });
  });
}

describe('hotpatch load of a file whose top level never ends', () => {
  test('fails naming the file and the budget; the app keeps serving', async (t) => {
    const { app, client } = await startApp();
    t.after(() => stopApp(app, client));
    app.edit('greeting.js', () => endlessTopLevel);
    const result = await runCli(['load', app.file('greeting.js')], app.discoveryDir);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, new RegExp(`greeting\\.js.*time budget of ${TOP_LEVEL_MS} ms`));
    await stillServing(app, client, 1);
  });
});

describe('a codeChange that never ends', () => {
  let app: App;
  let client: AgentClient;
  before(async () => ({ app, client } = await startApp()));
  after(() => stopApp(app, client));

  test('in the dry run: the plan is refused, naming the process and the budget', async () => {
    const plan = await client.prepare({
      modules: [{ file: app.file('counter.js'), code: counterWith('for (;;) {}') }],
    });
    assert.equal(plan.ok, false);
    assert.equal(plan.errors.length, 1, 'the rest are not run');
    assert.match(plan.errors[0]!.process ?? '', /^counter#\d+$/);
    assert.match(plan.errors[0]!.message, new RegExp(`codeChange ran past its time budget of ${CODE_CHANGE_MS} ms`));
    await stillServing(app, client, 1);
  });

  test('at commit: aborted, nothing changed', async () => {
    const file = app.file('counter.js');
    // Endless only for a poisoned state, which counter-1 becomes between prepare and commit.
    const plan = await client.prepare({
      modules: [{ file, code: counterWith('if (state.poison) for (;;) {} return state;') }],
    });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    await client.replaceState('counter-1', { count: 41, poison: true });
    const error = await client.commit(plan.id).then(
      () => assert.fail('the commit should have failed'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AgentError, String(error));
    const data = error.data as UpgradeErrorData;
    assert.equal(data.stage, 'migrate');
    assert.match(data.errors[0]!.message, new RegExp(`time budget of ${CODE_CHANGE_MS} ms`));
    assert.deepEqual(await callJson(app, 'counter-1', { op: 'get' }), { count: 41, poison: true, vsn: '1' });
    await stillServing(app, client, 2);
  });

  test('one that ends, but past its budget: refused too', async () => {
    const code = counterWith(
      `const end = Date.now() + ${CODE_CHANGE_MS * 1.5}; while (Date.now() < end) {} return state;`,
    );
    const plan = await client.prepare({ modules: [{ file: app.file('counter.js'), code }] });
    assert.equal(plan.ok, false);
    assert.match(plan.errors[0]!.message, new RegExp(`time budget of ${CODE_CHANGE_MS} ms`));
    await stillServing(app, client, 3);
  });
});

describe("a prepared version's timers", () => {
  let app: App;
  let client: AgentClient;
  before(async () => ({ app, client } = await startApp()));
  after(() => stopApp(app, client));
  /** A global of the app, read after a timer of 30 ms: timers due earlier have run by then. */
  const later = async (name: string): Promise<unknown> => JSON.parse(await app.get(`/later?ms=30&global=${name}`));

  const greetingWith = (vsn: string, name: string): string => `
exports.vsn = '${vsn}';
globalThis.${name} = { ticks: 0, timeout: false };
setInterval(() => globalThis.${name}.ticks++, 1);
setTimeout(() => { globalThis.${name}.timeout = true; }, 1);
exports.greet = (name) => 'hi ${vsn}, ' + name;
`;

  test('do not run while it is prepared, and run once it is committed', async () => {
    const plan = await client.prepare({ modules: [{ file: app.file('greeting.js'), code: greetingWith('2', 'v2') }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    assert.deepEqual(await later('v2'), { ticks: 0, timeout: false });
    await client.commit(plan.id);
    await waitFor('the committed timers to run', async () => {
      const seen = (await later('v2')) as { ticks: number; timeout: boolean };
      return seen.ticks > 0 && seen.timeout;
    });
  });

  test('never run when the plan is aborted', async () => {
    const plan = await client.prepare({ modules: [{ file: app.file('greeting.js'), code: greetingWith('3', 'v3') }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    assert.deepEqual(await later('v3'), { ticks: 0, timeout: false });
    assert.equal(await client.abort(plan.id), true);
    assert.deepEqual(await later('v3'), { ticks: 0, timeout: false });
  });
});
