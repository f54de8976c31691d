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
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AgentInfo, DiscoveryRecord } from 'hotpatch-agent/protocol';
import WebSocket, { WebSocketServer } from 'ws';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { App, appKinds } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { cliBin, tmpRoot } from '../helpers/paths';
import { RawRpc, type RawReply } from '../helpers/raw';
import { waitFor } from '../helpers/wait';

const SEED = Number(process.env.HOTPATCH_FUZZ_SEED ?? 0x5eed);
const MAX_PAYLOAD = 256 * 1024;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AGENT_METHODS = [
  'agent/initialize',
  'agent/modules',
  'agent/restart',
  'agent/load',
  'agent/purge',
  'agent/softPurge',
  'agent/source',
  'agent/prepare',
  'agent/commit',
  'agent/abort',
  'agent/rollback',
  'agent/processes',
  'agent/getState',
  'agent/replaceState',
];
const NOTIFICATIONS = ['agent/moduleLoaded', 'agent/modulePurged', 'agent/processStarted', 'agent/processExited'];
const LIBRARY = ['$/cancelRequest', '$/setTrace', '$/progress', '$/logTrace', '$/x', '$/', '$/cancelRequest/'];
const FIELDS = [
  'file',
  'code',
  'source',
  'origin',
  'version',
  'modules',
  'plan',
  'files',
  'extra',
  'process',
  'state',
  'protocolVersion',
  'client',
  'id',
  'token',
  'value',
  'message',
  'module',
  'reason',
  'processes',
  'suspendTimeoutMs',
  'previews',
  'restart',
  'shapes',
  '__proto__',
  'constructor',
  'toString',
];

/** A deterministic source of hostile values and messages. */
class Fuzz {
  readonly rand: () => number;
  /** Files no app runs: the only ones a mutating request may name. */
  constructor(
    seed: number,
    private readonly files: string[] = ['/nonexistent/a.js'],
  ) {
    this.rand = mulberry32(seed);
  }

  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  string(): string {
    switch (this.int(12)) {
      case 0:
        return '';
      case 1:
        return this.pick(['\u0000', '\ud800', '\udfff\ud800', '\u202e', '\x1b[2J\x1b]52;c;aGk=\x07', '\x9b31m']);
      case 2:
        return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'then']);
      case 3:
        return 'x'.repeat(this.pick([100, 1000, 4097, 10_000]));
      case 4:
        return this.pick(this.files);
      case 5:
        return this.pick(['../../../etc/passwd', 'node:fs', 'fs', 'C:\\x.js', 'file:///x.js', '.', '/']);
      case 6:
        return String(this.number());
      case 7:
        return this.pick([...AGENT_METHODS, ...NOTIFICATIONS, ...LIBRARY]);
      case 8:
        return this.pick(['current', 'old', 'protocol', 'startup', 'watch', '2.0', '1.0', 'null', 'undefined']);
      case 9:
        return Array.from({ length: this.int(40) }, () => String.fromCharCode(this.int(0x10000))).join('');
      default:
        return Math.abs(this.int(1e9)).toString(36);
    }
  }

  number(): number {
    return this.pick([
      0,
      -0,
      1,
      -1,
      1.5,
      2 ** 31,
      2 ** 53 + 2,
      -(2 ** 63),
      1e308,
      5e-324,
      Number.MAX_SAFE_INTEGER,
      this.int(1000),
      600_001,
    ]);
  }

  /** Any JSON value, nested up to `depth`. */
  value(depth = 3): unknown {
    switch (this.int(depth > 0 ? 9 : 6)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.number();
      case 3:
      case 4:
        return this.string();
      case 5:
        return this.chance(0.5) ? [] : {};
      case 6:
        return Array.from({ length: this.int(5) }, () => this.value(depth - 1));
      case 7:
        return this.deep();
      default:
        return this.object(depth - 1);
    }
  }

  object(depth = 2): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (let i = this.int(5); i > 0; i--) {
      Object.defineProperty(result, this.chance(0.8) ? this.pick(FIELDS) : this.string(), {
        value: this.value(depth),
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return result;
  }

  /** Nesting far deeper than any reply or param should be. */
  deep(): unknown {
    const depth = this.pick([50, 500, 2000]);
    let value: unknown = this.chance(0.5) ? null : 'bottom';
    for (let i = 0; i < depth; i++) value = this.chance(0.5) ? [value] : { a: value };
    return value;
  }

  id(): unknown {
    return this.pick([
      () => this.int(100),
      () => -this.int(100),
      () => this.string(),
      () => null,
      () => ({ id: 1 }),
      () => [1],
      () => true,
      () => 1e300,
      () => 2 ** 53 + this.int(10),
      () => 1.5,
      () => '9'.repeat(400),
    ])();
  }

  method(): unknown {
    switch (this.int(8)) {
      case 0:
      case 1:
      case 2:
        return this.pick(AGENT_METHODS);
      case 3:
        return this.pick(LIBRARY);
      case 4:
        return this.pick(NOTIFICATIONS);
      case 5:
        return this.pick(['agent/', 'agent/format-disk', 'Agent/Modules', 'agent/modules ', '', 'rpc.x', 'x']);
      default:
        return this.pick([7, null, true, {}, ['agent/modules'], this.string()]);
    }
  }

  /** Params: absent (undefined), of the wrong type, plausible fields with hostile values, deep. */
  params(): unknown {
    switch (this.int(10)) {
      case 0:
        return undefined;
      case 1:
        return null;
      case 2:
        return this.pick([[], [{}], [this.value()], 'params', 42, true]);
      case 3:
        return {};
      case 4:
        return { id: this.id(), token: this.id(), value: this.value(1), message: this.value(1) };
      case 5:
        return { file: this.pick(this.files), code: this.value(1), extra: this.deep() };
      case 6:
        return { modules: [{ file: this.pick(this.files), code: 'exports.x = 1;' }], plan: this.value(1) };
      default:
        return this.object();
    }
  }

  /** One message, as a string sent as text, or a Buffer sent binary. */
  message(): string | Buffer {
    switch (this.int(20)) {
      case 0:
        return this.pick([
          '',
          ' ',
          '{',
          '{"jsonrpc":"2.0",',
          '}{',
          'null',
          '[]',
          '42',
          '"x"',
          'NaN',
          '\u0000',
          '{"a":1}}',
        ]);
      case 1:
        return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: this.int(100), method: this.method() }));
      case 2:
        return JSON.stringify(Array.from({ length: this.int(4) }, () => this.request()));
      case 3:
        // Large, still under the payload limit.
        return JSON.stringify({
          jsonrpc: '2.0',
          id: this.id(),
          method: this.method(),
          params: { file: 'y'.repeat(100_000) },
        });
      case 4:
        // A response nobody asked for.
        return JSON.stringify(
          this.chance(0.5)
            ? { jsonrpc: '2.0', id: this.id(), result: this.value() }
            : { jsonrpc: '2.0', id: this.id(), error: this.chance(0.5) ? { code: 1, message: 'x' } : this.value() },
        );
      case 5:
        return JSON.stringify({ jsonrpc: '2.0', method: this.pick(LIBRARY), params: this.params() });
      case 6:
        return JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: this.id() } });
      default:
        return JSON.stringify(this.request());
    }
  }

  request(): Record<string, unknown> {
    const message: Record<string, unknown> = {};
    const version = this.int(10);
    if (version > 1) message.jsonrpc = '2.0';
    else if (version === 1) message.jsonrpc = this.pick(['1.0', '2', 2, null, '2.0 ', ['2.0']]);
    if (this.chance(0.75)) message.id = this.id();
    message.method = this.method();
    const params = this.params();
    if (params !== undefined) message.params = params;
    // agent/restart's only valid params are {} (or none): never send those.
    if (message.method === 'agent/restart' && (params === undefined || isEmptyObject(params))) {
      message.params = { bogus: true };
    }
    return message;
  }
}

const isEmptyObject = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;

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
    assert.ok(rssGrowth < 200 * MB, `RSS grew by ${rssGrowth} bytes`);
  });
});

/**
 * A fake agent on 127.0.0.1 announced by a real discovery record that answers requests with
 * fuzzed replies, sending `burst` fuzzed frames before each, until `budget` frames are spent;
 * after that it answers like an agent with nothing loaded.
 */
class FuzzingAgent {
  sent = 0;
  readonly sockets = new Set<WebSocket>();

  private constructor(
    readonly server: WebSocketServer,
    readonly file: string,
  ) {}

  static async start(
    dir: string,
    fuzz: Fuzz,
    options: { burst: number; budget: number; fuzzHandshake: number },
  ): Promise<FuzzingAgent> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const info: AgentInfo = {
      protocolVersion: 1,
      agentVersion: '0.0.0-fuzz',
      pid: process.pid,
      appName: 'fuzz-app',
      root: dir,
      nodeVersion: process.version,
      startedAt: new Date().toISOString(),
    };
    const record: DiscoveryRecord = {
      ...info,
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: 'f'.repeat(64),
    };
    const agents = join(dir, 'agents');
    mkdirSync(agents, { recursive: true, mode: 0o700 });
    chmodSync(agents, 0o700);
    const file = join(agents, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
    chmodSync(`${file}.tmp`, 0o600);
    renameSync(`${file}.tmp`, file);
    const agent = new FuzzingAgent(server, file);

    server.on('connection', (socket) => {
      agent.sockets.add(socket);
      socket.on('close', () => agent.sockets.delete(socket));
      socket.on('error', () => {});
      const frame = (data: string | Buffer) => {
        if (socket.readyState !== WebSocket.OPEN) return;
        agent.sent++;
        socket.send(data, { binary: Buffer.isBuffer(data) });
      };
      const fuzzing = () => agent.sent < options.budget;
      socket.on('message', (data) => {
        let message: { id?: unknown; method?: unknown };
        try {
          message = JSON.parse(String(data)) as typeof message;
        } catch {
          return;
        }
        if (message.id === undefined || typeof message.method !== 'string') return;
        const id = message.id;
        const plain = (result: unknown) => JSON.stringify({ jsonrpc: '2.0', id, result });
        if (message.method === 'agent/initialize') {
          if (fuzzing() && fuzz.chance(options.fuzzHandshake)) frame(agent.reply(fuzz, id, info));
          else frame(plain(info));
        } else if (!fuzzing()) {
          frame(
            plain(
              message.method === 'agent/modules'
                ? { modules: [] }
                : message.method === 'agent/processes'
                  ? { processes: [] }
                  : null,
            ),
          );
          return;
        }
        for (let i = 0; i < options.burst && fuzzing(); i++) frame(agent.notification(fuzz));
        if (message.method !== 'agent/initialize') frame(agent.reply(fuzz, id, info));
      });
    });
    return agent;
  }

  /** A fuzzed notification, request, stray response or garbage frame for a client. */
  notification(fuzz: Fuzz): string | Buffer {
    switch (fuzz.int(10)) {
      case 0:
        return fuzz.message();
      case 1:
        return JSON.stringify({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: fuzz.id() } });
      case 2:
        return JSON.stringify({ jsonrpc: '2.0', method: fuzz.pick(LIBRARY), params: fuzz.params() });
      case 3:
        return JSON.stringify({ jsonrpc: '2.0', id: fuzz.id(), method: fuzz.method(), params: fuzz.params() });
      case 4:
        return JSON.stringify({ jsonrpc: '2.0', id: fuzz.id(), result: fuzz.value() });
      default: {
        const method = fuzz.pick(NOTIFICATIONS);
        const key = method.includes('module') ? 'module' : 'process';
        const params = fuzz.chance(0.3) ? fuzz.params() : { [key]: this.entity(fuzz, key), reason: fuzz.value(1) };
        return JSON.stringify({ jsonrpc: fuzz.chance(0.9) ? '2.0' : '1.0', method, params });
      }
    }
  }

  /** A module or process that is almost right: each field now and then of the wrong type. */
  entity(fuzz: Fuzz, key: 'module' | 'process'): unknown {
    const version = { vsn: '1', seq: 1, loadedAt: new Date(0).toISOString(), origin: 'startup', hash: '0123456789ab' };
    const good: Record<string, unknown> =
      key === 'module'
        ? { file: `/srv/${fuzz.string()}.js`, format: 'cjs', sources: [], exports: ['x'], current: version, old: null }
        : { id: 'counter#1', name: 'c', server: 'counter', status: 'running', mailbox: 0, runsOldCode: false };
    for (const field of Object.keys(good)) if (fuzz.chance(0.15)) good[field] = fuzz.value(2);
    return fuzz.chance(0.1) ? fuzz.value() : good;
  }

  /** A reply to request `id` of a fuzzed shape (or none, or several). */
  reply(fuzz: Fuzz, id: unknown, info: AgentInfo): string | Buffer {
    const envelope = (fields: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id, ...fields });
    switch (fuzz.int(12)) {
      case 0:
        return envelope({ result: fuzz.value() });
      case 1:
        return envelope({
          result: { modules: [this.entity(fuzz, 'module')], processes: [this.entity(fuzz, 'process')] },
        });
      case 2:
        return envelope({ result: { modules: fuzz.value(), processes: fuzz.value() } });
      case 3:
        return envelope({ error: fuzz.value() });
      case 4:
        return envelope({ error: { code: fuzz.number(), message: fuzz.string(), data: fuzz.value() } });
      case 5:
        return envelope({ result: { ...info, ...fuzz.object() } });
      case 6:
        return JSON.stringify({ jsonrpc: fuzz.pick(['1.0', null, 2]), id, result: {} });
      case 7:
        return JSON.stringify({ jsonrpc: '2.0', id: fuzz.id(), result: { modules: [] } });
      case 8:
        return envelope({ result: { modules: [] }, error: { code: 1, message: 'both' } });
      case 9:
        return fuzz.message();
      case 10:
        return envelope({ result: fuzz.deep() });
      default:
        return envelope({
          result: {
            modules: Array.from({ length: fuzz.int(4) }, () => this.entity(fuzz, 'module')),
            processes: Array.from({ length: fuzz.int(4) }, () => this.entity(fuzz, 'process')),
          },
        });
    }
  }

  async stop(): Promise<void> {
    rmSync(this.file, { force: true });
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

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
