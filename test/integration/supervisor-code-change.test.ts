/**
 * A module whose top level starts supervision trees, loaded again in a real app through the
 * protocol (issue 12, item 4). Named after OTP's supervisor_SUITE code_change cases and the
 * appup cookbook's "changing a supervisor": the running tree is upgraded in place, its child
 * specs diffed by id. Before: the load failed with "the name 'counter' is already registered".
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { AgentError, type AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { waitFor } from '../helpers/wait';

const LoadFailed = -32011;

interface Started {
  app: App;
  client: AgentClient;
  file: string;
  /** tree.js as the app started it. */
  v1: string;
}

async function startTrees(): Promise<Started> {
  const app = await App.start('cjs', { fixture: 'supervised' });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  await waitFor('3 children running', async () => (await client.processes()).length === 3);
  const file = app.file('tree.js');
  return { app, client, file, v1: readFileSync(file, 'utf8') };
}

/** The README tree of tree.js with `children` and `options` instead of its own. */
function readmeTree(v1: string, children: string, options: string): string {
  const start = v1.indexOf('supervise(\n  [');
  const end = v1.indexOf(');\n', start) + 3;
  assert.ok(start > 0 && end > start, 'tree.js has the README tree');
  return `${v1.slice(0, start)}supervise([${children}], ${options});\n${v1.slice(end)}`;
}

const child = (id: string): string => `{ id: '${id}', start: () => spawn(counter, undefined, { name: '${id}' }) }`;

async function call(app: App, name: string, msg: string = 'inc'): Promise<number | { error: string }> {
  return JSON.parse(await app.get(`/call?name=${name}&msg=${encodeURIComponent(JSON.stringify(msg))}`)) as number;
}

async function idOf(app: App, name: string): Promise<string | null> {
  return JSON.parse(await app.get(`/whereis?name=${name}`)) as string | null;
}

describe('supervisor code change (supervisor_SUITE code_change, appup "changing a supervisor")', () => {
  test('code_change: loading the module that starts the tree adds a child and the new strategy, keeping running children and their state', async () => {
    const { app, client, file, v1 } = await startTrees();
    assert.equal(await call(app, 'counter'), 1);
    assert.equal(await call(app, 'counter'), 2);
    const before = { counter: await idOf(app, 'counter'), audit: await idOf(app, 'audit') };

    const code = readmeTree(
      v1,
      [child('counter'), child('audit'), child('extra')].join(', '),
      "{ strategy: 'one_for_all', intensity: 10 }",
    );
    const result = await client.load({ file, code, origin: 'protocol' });

    assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
    assert.deepEqual(result.warnings, []);
    assert.ok(
      result.report.ran.includes(
        'the supervisor of counter, audit updated in place: kept counter, audit; started extra; ' +
          'strategy one_for_one → one_for_all; intensity 3 → 10',
      ),
      result.report.ran.join('\n'),
    );
    assert.equal(await idOf(app, 'counter'), before.counter, 'the running child was kept');
    assert.equal(await call(app, 'counter'), 3, 'with its state');
    assert.equal(await call(app, 'extra'), 1, 'the added child runs');
    assert.equal((await client.processes()).length, 4, 'no second tree');

    // The new strategy is the one in force: a crash of one child restarts all three.
    const extra = await idOf(app, 'extra');
    assert.match(JSON.stringify(await call(app, 'counter', 'crash')), /asked to crash/);
    await waitFor('one_for_all to restart every child of the tree', async () => {
      const ids = [await idOf(app, 'counter'), await idOf(app, 'audit'), await idOf(app, 'extra')];
      return ids.every((id) => id !== null) && ids[0] !== before.counter && ids[1] !== before.audit && ids[2] !== extra;
    });
    assert.equal(await call(app, 'worker-a'), 1, 'the other tree was not touched');
  });

  test('code_change: a child whose spec is removed is terminated, not restarted; the others keep running', async () => {
    const { app, client, file, v1 } = await startTrees();
    const exits: string[] = [];
    client.on('processExited', (process, reason) => exits.push(`${process.name}: ${reason}`));
    const counter = await idOf(app, 'counter');

    const result = await client.load({ file, code: readmeTree(v1, child('counter'), '{}'), origin: 'protocol' });

    assert.ok(result.report.ran.some((line) => line.endsWith('updated in place: kept counter; stopped audit')));
    await waitFor('audit to exit', () => exits.includes('audit: shutdown'));
    assert.equal(await idOf(app, 'audit'), null, 'not restarted');
    assert.equal(await idOf(app, 'counter'), counter);
    assert.equal((await client.processes()).length, 2, 'counter and worker-a');
  });

  test('a named tree is paired by its name: only the statement that changed updates its tree', async () => {
    const { app, client, file, v1 } = await startTrees();
    const counter = await idOf(app, 'counter');
    const workerA = await idOf(app, 'worker-a');
    const code = v1.replace(
      "[{ id: 'worker-a', start: () => spawn(counter, undefined, { name: 'worker-a' }) }], {\n  name: 'workers',\n  intensity: 3,",
      `[${child('worker-a')}, ${child('worker-b')}], {\n  name: 'workers',\n  intensity: 5,`,
    );
    assert.notEqual(code, v1);

    const result = await client.load({ file, code, origin: 'protocol' });

    assert.deepEqual(result.report.notApplied, []);
    assert.ok(
      result.report.ran.includes(
        "supervisor 'workers' updated in place: kept worker-a; started worker-b; intensity 3 → 5",
      ),
      result.report.ran.join('\n'),
    );
    assert.deepEqual(JSON.parse(await app.get('/workers')), {
      status: 'running',
      options: { strategy: 'one_for_one', intensity: 5, period: 5000 },
      children: ['worker-a', 'worker-b'],
    });
    assert.equal(await idOf(app, 'worker-a'), workerA);
    assert.equal(await idOf(app, 'counter'), counter, 'the README tree was not touched');
  });

  test('an upgrade stages the tree change with the new version: nothing changes at prepare or abort, all of it at commit', async () => {
    const { app, client, file, v1 } = await startTrees();
    const code = readmeTree(v1, [child('counter'), child('audit'), child('extra')].join(', '), '{}');

    const aborted = await client.prepare({ modules: [{ file, code, origin: 'protocol' }] });
    assert.equal(aborted.ok, true, JSON.stringify(aborted.errors));
    assert.equal(await idOf(app, 'extra'), null, 'prepare starts nothing');
    await client.abort(aborted.id);
    assert.equal(await idOf(app, 'extra'), null);

    const plan = await client.prepare({ modules: [{ file, code, origin: 'protocol' }] });
    assert.equal(plan.ok, true, JSON.stringify(plan.errors));
    await client.commit(plan.id);
    assert.equal(await call(app, 'extra'), 1);
    assert.equal((await client.processes()).length, 4);
  });

  test('child specs the tree cannot run with fail the load, naming what is wrong, and the tree runs on unchanged', async () => {
    const { app, client, file, v1 } = await startTrees();
    const code = readmeTree(v1, [child('counter'), child('counter')].join(', '), '{}');
    const error = await client.load({ file, code, origin: 'protocol' }).then(
      () => assert.fail('the load should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AgentError, String(error));
    assert.equal(error.code, LoadFailed);
    assert.match(error.message, /two children have the id 'counter'/);
    assert.equal((await client.processes()).length, 3);
    assert.equal(await call(app, 'audit'), 1);
  });

  test('a load whose top level starts a new tree and then throws leaves no tree of it running', async () => {
    const { app, client, file, v1 } = await startTrees();
    const before = (await client.supervisors()).length;
    const code =
      v1 +
      `\nsupervise([${child('extra')}], { name: 'extras' });\n` +
      "throw new Error('the top level fails after starting a tree');\n";
    const error = await client.load({ file, code, origin: 'protocol' }).then(
      () => assert.fail('the load should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof AgentError, String(error));
    assert.match(error.message, /the top level fails after starting a tree/);
    assert.equal(await idOf(app, 'extra'), null, 'the tree the failed version started is stopped');
    assert.equal((await client.supervisors()).length, before);
    assert.equal((await client.processes()).length, 3);
    assert.equal(await call(app, 'counter'), 1, 'the running tree serves on');
  });
});
