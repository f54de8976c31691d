/**
 * An agent that accepts the connection and the handshake and then never answers must not hang
 * its clients: every request has a deadline (`--request-timeout`, the language server's
 * `requestTimeoutMs`, 10 s by default), and the agent that missed it is named. Real CLI and
 * language server processes against a fake agent on a real socket.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { runCli } from '../helpers/cli';
import { FakeAgent, type Received } from '../helpers/fake-agent';
import { LspSession } from '../helpers/lsp';
import { tmpRoot } from '../helpers/paths';

describe('the CLI and a silent agent', () => {
  let dir: string;
  let agent: FakeAgent;
  before(async () => {
    dir = mkdtempSync(join(tmpRoot, 'silent-cli-'));
    agent = await FakeAgent.start(join(dir, 'agents'), { answer: () => undefined });
  });
  after(async () => {
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [command, method] of [
    ['ls', 'agent/modules'],
    ['ps', 'agent/processes'],
  ] as const) {
    test(`hotpatch ${command} gives up after --request-timeout, naming the agent`, async () => {
      const started = Date.now();
      const result = await runCli(['--request-timeout', '500', command], join(dir, 'agents'));
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`fake-app \\(pid \\d+\\) did not answer ${method} within 0\\.5 s`));
      assert.ok(Date.now() - started < 20_000, 'well before the test helper would kill it');
    });
  }
});

describe('the language server and an agent that goes silent after listing its modules', () => {
  let dir: string;
  let file: string;
  let agent: FakeAgent;
  let lsp: LspSession;
  before(async () => {
    dir = mkdtempSync(join(tmpRoot, 'silent-lsp-'));
    file = join(dir, 'greeting.js');
    writeFileSync(file, "exports.greet = (name) => 'hello, ' + name;\n");
    const version = { vsn: '1', seq: 1, loadedAt: new Date().toISOString(), origin: 'startup', hash: 'f00f00f00f00' };
    const module = { file, format: 'cjs', sources: [], exports: ['greet'], current: version, old: null } as ModuleInfo;
    agent = await FakeAgent.start(join(dir, 'agents'), {
      root: dir,
      answer: (request: Received) =>
        request.method === 'agent/modules'
          ? { modules: [module] }
          : request.method === 'agent/processes'
            ? { processes: [] }
            : undefined,
    });
    lsp = await LspSession.start(join(dir, 'agents'), { requestTimeoutMs: 500 });
    await lsp.waitForModule(file);
    await lsp.open(file, "exports.greet = (name) => 'hello, ' + name;\n");
  });
  after(async () => {
    await lsp?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a save is reported failed, naming the agent and the deadline', async () => {
    const report = await lsp.save(file, "exports.greet = (name) => 'howdy, ' + name;\n");
    assert.equal(report.outcome, 'failed', report.lines.join('\n'));
    assert.match(report.lines.join('\n'), /fake-app \(pid \d+\) did not answer agent\/prepare within 1\.5 s/);
    assert.equal(agent.requests('agent/commit').length, 0, 'nothing committed anywhere');
  });

  test('and so is the next save of the file', async () => {
    const report = await lsp.save(file, "exports.greet = (name) => 'hi, ' + name;\n");
    assert.equal(report.outcome, 'failed', report.lines.join('\n'));
    assert.match(report.lines.join('\n'), /did not answer agent\/prepare within 1\.5 s/);
    assert.equal(lsp.child.exitCode, null);
  });
});
