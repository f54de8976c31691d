/**
 * Deadlines in a transaction over several agents. Two instances of one app; the second is held
 * in the new version's top level (it loops until the test creates a file, with no top-level
 * budget) so it misses its prepare deadline. The agent that missed it is named, the transaction
 * is aborted on every agent, the late one included (the client chose the plan ids, so it can
 * abort a plan whose prepare it never saw answered), and a request past its deadline is
 * cancelled rather than left pending in the client.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AgentClient, AgentError, AgentTimeoutError, hotLoadFile, type LoadOutcome } from 'hotpatch-extension/engine';
import { AgentErrorCode, type UpgradePlan } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { FakeAgent } from '../helpers/fake-agent';
import { tmpRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

const REQUEST_TIMEOUT_MS = 500;

describe('a transaction where one agent misses its deadline', () => {
  let first: App;
  let second: App;
  let gate: string;
  const clients: AgentClient[] = [];
  before(async () => {
    first = await App.start('cjs');
    gate = join(first.dir, 'gate');
    second = await App.start('cjs', {
      instanceOf: first,
      env: { HOLD_UNTIL: gate, HOTPATCH_TOP_LEVEL_BUDGET_MS: '0' },
    });
    for (const app of [first, second]) {
      clients.push(
        await AgentClient.connect(app.record.url, app.record.token, { requestTimeoutMs: REQUEST_TIMEOUT_MS }),
      );
    }
  });
  after(async () => {
    writeFileSync(gate, ''); // never leave an app spinning
    for (const client of clients) client.close();
    await second?.stop();
    await first?.stop();
  });

  test('is named, and the transaction is aborted on every agent, the late one included', async () => {
    const [a, b] = clients as [AgentClient, AgentClient];
    first.edit('greeting.js', () =>
      [
        `exports.vsn = '2';`,
        `if (process.env.HOLD_UNTIL) while (!require('node:fs').existsSync(process.env.HOLD_UNTIL)) {}`,
        `exports.greet = function greet(name) { return 'howdy, ' + name; };`,
      ].join('\n'),
    );
    // The late answer, watched on the socket: the client itself has cancelled the request.
    const lateReplies: UpgradePlan[] = [];
    b.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { result?: Partial<UpgradePlan> };
      if (typeof message.result?.id === 'string' && 'ok' in message.result)
        lateReplies.push(message.result as UpgradePlan);
    });

    const outcomes = await hotLoadFile(clients, first.file('greeting.js'), 'cli');
    const of = (client: AgentClient): LoadOutcome => outcomes.find((o) => o.client === client)!;
    const late = `${b.info.appName} \\(pid ${b.info.pid}\\)`;
    assert.match(of(b).error ?? '', new RegExp(`${late} did not answer agent/prepare within 1\\.5 s`));
    assert.match(
      of(a).error ?? '',
      new RegExp(`not loaded: another instance failed to prepare \\(${late}\\); aborted`),
    );
    assert.equal(of(a).plan?.ok, true, 'the first agent had prepared');
    assert.equal(b.connection.hasPendingResponse(), false, 'nothing left pending in the client');

    // Aborted on the first agent: its plan is gone, its code unchanged.
    await assert.rejects(
      a.commit(of(a).planId),
      (e: unknown) => e instanceof AgentError && e.code === AgentErrorCode.UnknownPlan,
    );
    assert.equal(await first.get('/greet?name=a'), 'hello, a');

    // The late agent finishes preparing once released, and drops the plan it was told to abort.
    writeFileSync(gate, '');
    const reply = await waitFor('the late prepare to answer', () => lateReplies.find((p) => p.id === of(b).planId));
    assert.equal(reply.ok, false);
    assert.match(reply.errors.map((e) => e.message).join('\n'), /aborted by the client while it was being prepared/);
    await assert.rejects(
      b.commit(of(b).planId),
      (e: unknown) => e instanceof AgentError && e.code === AgentErrorCode.UnknownPlan,
    );
    assert.equal(await second.get('/greet?name=b'), 'hello, b');
    for (const client of clients) {
      const greeting = (await client.modules()).find((m) => m.file === first.file('greeting.js'));
      assert.equal(greeting?.current.vsn, '1');
    }
  });
});

describe('a request past its deadline', () => {
  let dir: string;
  let agent: FakeAgent;
  before(async () => {
    dir = mkdtempSync(join(tmpRoot, 'deadline-'));
    agent = await FakeAgent.start(join(dir, 'agents'), { answer: () => undefined });
  });
  after(async () => {
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('is cancelled: the agent is told, and nothing stays pending in the client', async () => {
    const client = await AgentClient.connect(agent.record.url, agent.record.token, { requestTimeoutMs: 100 });
    try {
      for (let i = 0; i < 20; i++) {
        await assert.rejects(client.modules(), (e: unknown) => e instanceof AgentTimeoutError);
      }
      assert.equal(client.connection.hasPendingResponse(), false);
      await waitFor(
        '20 cancellations',
        () => agent.received.filter((m) => m.method === '$/cancelRequest').length === 20,
      );
      const asked = new Set(agent.requests('agent/modules').map((r) => r.id));
      for (const cancel of agent.received.filter((m) => m.method === '$/cancelRequest')) {
        assert.ok(asked.has((cancel.params as { id: number }).id), 'each names a request it was sent');
      }
    } finally {
      client.close();
    }
  });
});
