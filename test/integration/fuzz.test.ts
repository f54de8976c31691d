/**
 * Fuzzing the wire, both ways. A seeded generator (mulberry32: a failure reproduces from its
 * seed) makes malformed, hostile and edge-case JSON-RPC messages of every shape: jsonrpc
 * versions, ids of every type, every agent/* method, `$/cancelRequest` and the other `$/`
 * methods, params of every type, batches, non-JSON text, binary frames, large strings under the
 * payload limit. 10,000 of them go to a real app over an authenticated connection: the app lives,
 * serves its old code and state, and its heap stays bounded. Then a fake agent answers the real
 * CLI and the real language server with fuzzed replies and floods them with fuzzed notifications
 * (10,000 frames in all): every CLI run ends without a crash trace, the language server lives on
 * and still answers.
 *
 * Nothing sent changes code: requests that could (agent/load, purge, softPurge, prepare,
 * commit, rollback, restart, replaceState) only ever carry malformed params or files no app runs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { App, appKinds } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { cliBin, tmpRoot } from '../helpers/paths';
import { Fuzz } from '../helpers/fuzz';
import { FuzzingAgent } from '../helpers/fuzzing-agent';
import { RawRpc, type RawReply } from '../helpers/raw';
import { waitFor } from '../helpers/wait';

const SEED = Number(process.env.HOTPATCH_FUZZ_SEED ?? 0x5eed);
const MAX_PAYLOAD = 256 * 1024;

/** The app's RSS in bytes, from /proc (Linux). */
function rss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

describe('10,000 fuzzed messages to a real app', () => {
  let app: App;
  before(async () => {
    app = await App.start('cjs', { env: { HOTPATCH_MAX_PAYLOAD: String(MAX_PAYLOAD) }, nodeOptions: ['--expose-gc'] });
  });
  after(async () => {
    await app?.stop();
  });

  test('the app lives, serves its old code and state, and its memory stays bounded', async () => {
    const before = await app.connect();
    const snapshot = (modules: { file: string; current: { vsn: string; seq: number }; old: unknown }[]) =>
      modules.map((m) => `${m.file} ${m.current.vsn}/${m.current.seq} ${m.old === null ? '' : 'old'}`).sort();
    const modulesBefore = snapshot(await before.modules());
    before.close();
    assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
    const hitsBefore = Number(await app.get('/hits'));
    const heapBefore = Number(await app.get('/heap'));
    const rssBefore = rss(app.child.pid!);

    const notHot = [app.file('not-hot.js'), join(app.dir, 'missing', 'x.js'), '/nonexistent/a.js', 'x'];
    const fuzz = new Fuzz(SEED, notHot);
    const TOTAL = 10_000;
    const BURST = 100;
    let raw = await RawRpc.open(app.record.url, app.record.token);
    assert.equal((await raw.initialize()).error, undefined);
    let sent = 0;
    let replies = 0;
    let closes = 0;
    for (let burst = 0; sent < TOTAL; burst++) {
      for (let i = 0; i < BURST && sent < TOTAL; i++, sent++) {
        const message = fuzz.message();
        if (typeof message === 'string') raw.send(message);
        else raw.socket.send(message, { binary: true });
      }
      // Back-pressure: the agent has read the whole burst once it answers this.
      const id = `sentinel-${burst}`;
      raw.send({ jsonrpc: '2.0', id, method: 'agent/modules', params: {} });
      try {
        const reply = await raw.next(`the reply to ${id} after ${sent} messages (seed ${SEED})`, (r) => r.id === id);
        assert.equal(reply.error, undefined, `${id}: ${reply.error?.message}`);
      } catch (error) {
        if (!raw.closed) throw error;
        closes++;
        raw = await RawRpc.open(app.record.url, app.record.token);
        assert.equal((await raw.initialize()).error, undefined);
      }
      const pending = raw.pending as RawReply[];
      for (const reply of pending) assert.equal(reply.jsonrpc, '2.0', JSON.stringify(reply).slice(0, 200));
      replies += pending.length;
      pending.length = 0;
      assert.equal(app.child.exitCode, null, `the app died after ${sent} messages (seed ${SEED})`);
    }
    raw.close();
    assert.equal(closes, 0, 'no message under the payload limit closes the connection');
    assert.ok(replies > TOTAL / 4, `the agent answered (${replies} replies)`);

    assert.equal(app.child.exitCode, null);
    assert.equal(app.child.signalCode, null);
    assert.equal(await app.get('/greet?name=ann'), 'hello, ann', 'old code');
    assert.equal(await app.get('/hits'), String(hitsBefore + 1), 'old state, still counting');
    const client = await app.connect();
    try {
      assert.deepEqual(snapshot(await client.modules()), modulesBefore, 'no module changed');
      assert.ok(modulesBefore.some((line) => line.startsWith(`${app.file(appKinds.cjs.greeting)} 1/1 `)));
    } finally {
      client.close();
    }
    const heapGrowth = Number(await app.get('/heap')) - heapBefore;
    const rssGrowth = rss(app.child.pid!) - rssBefore;
    const MB = 1024 * 1024;
    console.log(
      `fuzz seed ${SEED}: ${sent} messages, ${replies} replies; heap +${(heapGrowth / MB).toFixed(1)} MB, RSS +${(rssGrowth / MB).toFixed(1)} MB`,
    );
    assert.ok(heapGrowth < 50 * MB, `heap grew by ${heapGrowth} bytes`);
    // RSS keeps what V8 and the allocator reserved for the messages' buffers (100 KB ones among
    // them), so it is only a bound against runaway growth; the heap after gc is the leak check.
    assert.ok(rssGrowth < 512 * MB, `RSS grew by ${rssGrowth} bytes`);
  });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], discoveryDir: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [cliBin, ...args],
      { env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discoveryDir }, timeout: 20_000, maxBuffer: 16 * 1024 * 1024 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
    );
  });
}

/** What an uncaught exception leaves on stderr: an error name and stack frames. */
const CRASH = /\b(TypeError|RangeError|ReferenceError|SyntaxError|Uncaught)\b|^\s+at .+:\d+:\d+\)?$/m;

let fakeAgentFrames = 0;

describe('a fuzzing fake agent against the CLI', () => {
  const RUNS = 20;
  let dir: string;
  before(() => {
    mkdirSync(tmpRoot, { recursive: true });
    dir = mkdtempSync(join(tmpRoot, 'fuzz-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test(`${RUNS} runs of hotpatch ls / ps end cleanly, whatever the agent sends`, async () => {
    const runs = Array.from({ length: RUNS }, (_, i) => i);
    const outcomes: string[] = [];
    // Two at a time: each run has its own agent and discovery folder.
    for (let i = 0; i < runs.length; i += 2) {
      await Promise.all(
        runs.slice(i, i + 2).map(async (run) => {
          const runDir = join(dir, String(run));
          const agent = await FuzzingAgent.start(runDir, new Fuzz(SEED + 1000 + run), {
            burst: 300,
            budget: 1500,
            fuzzHandshake: 0.2,
          });
          try {
            const command = run % 2 === 0 ? 'ls' : 'ps';
            const result = await cli(['--request-timeout', '500', command], join(runDir, 'agents'));
            const what = `hotpatch ${command}, run ${run} (seed ${SEED + 1000 + run})`;
            assert.equal(result.signal, null, `${what} was killed: ${result.stderr}`);
            assert.notEqual(result.code, null, what);
            assert.doesNotMatch(result.stderr, CRASH, `${what} crashed:\n${result.stderr}`);
            outcomes.push(`${result.code}`);
          } finally {
            fakeAgentFrames += agent.sent;
            await agent.stop();
          }
        }),
      );
    }
    console.log(`CLI exit codes: ${outcomes.join(' ')}; ${fakeAgentFrames} fuzzed frames sent`);
  });
});

describe('a fuzzing fake agent against the language server', () => {
  let dir: string;
  let agent: FuzzingAgent;
  let lsp: LspSession;
  before(async () => {
    mkdirSync(tmpRoot, { recursive: true });
    dir = mkdtempSync(join(tmpRoot, 'fuzz-lsp-'));
  });
  after(async () => {
    await lsp?.stop();
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('lives through the fuzz and still answers', async () => {
    const budget = Math.max(5000, 10_000 - fakeAgentFrames);
    agent = await FuzzingAgent.start(dir, new Fuzz(SEED + 2000), { burst: 500, budget, fuzzHandshake: 0.1 });
    lsp = await LspSession.start(join(dir, 'agents'), { requestTimeoutMs: 1000 });
    // Besides the replies, notifications pushed at every connected client until the budget is spent.
    const pusher = new Fuzz(SEED + 3000);
    await waitFor(
      `${budget} fuzzed frames sent to the language server`,
      () => {
        for (const socket of agent.sockets) {
          for (let i = 0; i < 200 && agent.sent < budget; i++) {
            agent.sent++;
            const frame = agent.notification(pusher);
            socket.send(frame, { binary: Buffer.isBuffer(frame) });
          }
        }
        assert.equal(lsp.child.exitCode, null, `the language server died:\n${lsp.stderr}`);
        return agent.sent >= budget;
      },
      40_000,
    );
    fakeAgentFrames += agent.sent;
    const tree = await lsp.connection.sendRequest(ext.treeRequest);
    assert.ok(Array.isArray(tree.agents));
    assert.equal(lsp.child.exitCode, null, lsp.stderr);
    assert.doesNotMatch(lsp.stderr, CRASH, lsp.stderr);
    console.log(`language server: ${agent.sent} fuzzed frames; ${fakeAgentFrames} from fake agents in all`);
    assert.ok(fakeAgentFrames >= 10_000, `${fakeAgentFrames} fuzzed frames from fake agents`);
  });
});
