/**
 * Replies and names from an agent are checked before use. A fake agent on a real socket answers
 * the real CLI and language server with replies of the wrong shape (a clear error naming the agent
 * and the field, never `p.id.padEnd is not a function`) and with names carrying terminal escape
 * sequences (printed as visible `\u001b` escapes, never sent raw to the terminal).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ModuleInfo, ProcessInfo } from 'hotpatch-agent/protocol';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { runCli } from '../helpers/cli';
import { FakeAgent, type FakeAgentScript, type Received } from '../helpers/fake-agent';
import { LspSession } from '../helpers/lsp';
import { tmpRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

const version = { vsn: '1', seq: 1, loadedAt: new Date().toISOString(), origin: 'startup', hash: '0123456789ab' };
const moduleAt = (file: unknown): ModuleInfo =>
  ({ file, format: 'cjs', sources: [], exports: [], current: version, old: null }) as unknown as ModuleInfo;
const processNamed = (id: unknown, name?: unknown): ProcessInfo =>
  ({ id, name, server: 'counter', status: 'running', mailbox: 0, runsOldCode: false }) as unknown as ProcessInfo;

/** Runs `hotpatch <args>` against a fake agent following `script`. */
async function cliAgainst(
  script: FakeAgentScript,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpRoot, 'hostile-'));
  const agent = await FakeAgent.start(join(dir, 'agents'), { root: dir, ...script });
  try {
    return await runCli(args, join(dir, 'agents'));
  } finally {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const answering =
  (modules: ModuleInfo[], processes: ProcessInfo[]) =>
  (request: Received): unknown =>
    request.method === 'agent/modules' ? { modules } : request.method === 'agent/processes' ? { processes } : undefined;

describe('replies of the wrong shape', () => {
  test('hotpatch ps: a process id that is a number is a clear error naming the agent and the field', async () => {
    const result = await cliAgainst({ answer: answering([], [processNamed(7)]) }, ['ps']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /the reply of agent fake-app \(pid \d+\) to agent\/processes is not what the protocol says: processes\.0\.id: /,
    );
    assert.doesNotMatch(result.stderr, /is not a function|TypeError/);
  });

  test('hotpatch ls: a module whose file is an object, likewise', async () => {
    const result = await cliAgainst({ answer: answering([moduleAt({ toString: 1 })], []) }, ['ls']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /to agent\/modules is not what the protocol says: modules\.0\.file: /);
  });

  test('a handshake reply of the wrong shape: the agent is refused with why', async () => {
    const result = await cliAgainst({ handshake: { pid: 'one' } }, ['ls']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /handshake reply of the agent at ws:\/\/127\.0\.0\.1:\d+ is not what the protocol says: pid: /,
    );
  });
});

describe('names carrying terminal escape sequences', () => {
  const clear = '\x1b[2J\x1b[H';
  const clipboard = '\x1b]52;c;aGVsbG8=\x07';
  const csi8bit = '\x9b31m';
  const bidi = '\u202e';
  const evil = `evil${clear}${clipboard}${csi8bit}${bidi}`;
  const raw = ['\x1b', '\x07', '\x9b', '\u202e'];

  for (const command of ['ls', 'ps'] as const) {
    test(`hotpatch ${command} prints them escaped, never raw`, async () => {
      const dir = '/srv/app';
      const result = await cliAgainst(
        {
          appName: evil,
          answer: answering([moduleAt(`${dir}/${evil}.js`)], [processNamed(`counter#1${clear}`, evil)]),
        },
        [command],
      );
      assert.equal(result.code, 0, result.stderr);
      for (const char of raw) {
        assert.ok(
          !result.stdout.includes(char) && !result.stderr.includes(char),
          `raw U+${char.codePointAt(0)!.toString(16)}`,
        );
      }
      assert.match(result.stdout, /evil\\u001b\[2J\\u001b\[H\\u001b\]52;c;aGVsbG8=\\u0007\\u009b31m\\u202e/);
    });
  }
});

describe('the language server and notifications of the wrong shape', () => {
  let dir: string;
  let agent: FakeAgent;
  let lsp: LspSession;
  before(async () => {
    dir = mkdtempSync(join(tmpRoot, 'hostile-lsp-'));
    agent = await FakeAgent.start(join(dir, 'agents'), { root: dir });
    lsp = await LspSession.start(join(dir, 'agents'));
  });
  after(async () => {
    await lsp?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('are dropped; the well-formed ones that follow are kept', async () => {
    const tree = async () => (await lsp.connection.sendRequest(ext.treeRequest)).agents[0];
    await waitFor('the agent connected', async () => (await tree())?.state === 'connected');
    const notify = (params: unknown) =>
      [...agent.sockets][0]!.send(JSON.stringify({ jsonrpc: '2.0', method: 'agent/moduleLoaded', params }));
    notify({ module: moduleAt(42) });
    notify({ module: { ...moduleAt(join(dir, 'bad.js')), exports: 'not a list' } });
    notify({ module: null });
    notify({ module: moduleAt(join(dir, 'good.js')) });
    const seen = await waitFor('the good module', async () => {
      const agentTree = await tree();
      return agentTree?.modules.some((m) => m.file === join(dir, 'good.js')) && agentTree;
    });
    assert.deepEqual(
      seen.modules.map((m) => m.file),
      [join(dir, 'good.js')],
    );
    assert.equal(lsp.child.exitCode, null);
  });
});
