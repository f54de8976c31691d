/**
 * Raw access for the tests of what a client must not be able to do: WebSocket upgrade
 * requests with hand-made headers, JSON-RPC frames the typed AgentClient would never send,
 * and app processes started without waiting for an agent (for when none must start).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import WebSocket from 'ws';
import { appKinds, type AppKind } from './app';
import { fixturesDir, tmpRoot } from './paths';
import { waitFor } from './wait';

export interface UpgradeReply {
  /** 101 when the agent accepted the upgrade, else the status of its refusal. */
  status: number;
  body: string;
}

/**
 * Sends one WebSocket upgrade request to the agent at `url` (always on 127.0.0.1) with exactly
 * the given headers on top of the WebSocket ones. `host: undefined` sends no Host header.
 */
export function rawUpgrade(url: string, headers: Record<string, string | undefined>): Promise<UpgradeReply> {
  const { port } = new URL(url);
  const sent: Record<string, string> = {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
  };
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value;
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: Number(port),
      path: '/',
      headers: sent,
      // Node adds `Host: 127.0.0.1:<port>` unless told not to: only when the test did not mention Host.
      setHost: !('host' in headers),
      timeout: 10_000,
    });
    req.on('upgrade', (_response, socket) => {
      socket.destroy();
      resolve({ status: 101, body: '' });
    });
    req.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('upgrade request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** A JSON-RPC reply as it comes off the wire, unchecked. */
export interface RawReply {
  jsonrpc?: unknown;
  id?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
  method?: string;
  params?: unknown;
}

/** An authenticated WebSocket to an agent that sends whatever it is given, frame by frame. */
export class RawRpc {
  readonly #received: RawReply[] = [];
  #nextId = 1;
  /** Set once the socket closed: the close code and reason. */
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData) => this.#received.push(JSON.parse(String(data)) as RawReply));
    socket.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    socket.on('error', () => {}); // a close follows; tests look at `closed`
  }

  static async open(url: string, token: string): Promise<RawRpc> {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, handshakeTimeout: 5000 });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`agent refused the connection: ${response.statusCode}`)),
      );
    });
    return new RawRpc(socket);
  }

  /** Sends a string as one text frame as it is, anything else as its JSON. */
  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits for the next message the agent sends that matches `accept` (default: any) and takes it. */
  async next(what: string, accept: (reply: RawReply) => boolean = () => true): Promise<RawReply> {
    const found = await waitFor(what, (): { reply: RawReply } | { closed: number } | undefined => {
      const index = this.#received.findIndex(accept);
      if (index >= 0) return { reply: this.#received.splice(index, 1)[0]! };
      return this.closed && { closed: this.closed.code };
    });
    if ('closed' in found) throw new Error(`the socket closed (${found.closed}) while waiting for ${what}`);
    return found.reply;
  }

  /** Sends a request with a fresh numeric id and waits for the reply carrying that id. */
  async request(method: string, params?: unknown): Promise<RawReply> {
    const id = this.#nextId++;
    this.send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    return this.next(`the reply to ${method} #${id}`, (reply) => reply.id === id);
  }

  /** Performs the handshake with the protocol version the agent speaks. */
  async initialize(protocolVersion = 1): Promise<RawReply> {
    return this.request('agent/initialize', { protocolVersion, client: { name: 'raw-test', version: '0' } });
  }

  /** Messages received and not yet taken. */
  get pending(): readonly RawReply[] {
    return this.#received;
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * A fixture app started the way App.start starts it, but waiting only for the app's own
 * HTTP server: for the cases where the agent must not start, so no discovery file appears.
 */
export class BareApp {
  stdout = '';
  stderr = '';
  port!: number;

  private constructor(
    readonly dir: string,
    readonly discoveryDir: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
  }

  static async start(kind: AppKind, env: Record<string, string>): Promise<BareApp> {
    mkdirSync(tmpRoot, { recursive: true });
    const dir = mkdtempSync(join(tmpRoot, `bare-${kind}-`));
    cpSync(join(fixturesDir, 'apps', kind), dir, { recursive: true });
    const discoveryDir = join(dir, '.discovery');
    const child = spawn(process.execPath, appKinds[kind].args, {
      cwd: dir,
      env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discoveryDir, HOTPATCH_QUIET: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const app = new BareApp(dir, discoveryDir, child);
    app.port = Number(
      await waitFor('the app to listen', () => {
        if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${app.stderr}`);
        return /LISTENING (\d+)/.exec(app.stdout)?.[1];
      }),
    );
    return app;
  }

  async get(path: string): Promise<string> {
    return (await fetch(`http://127.0.0.1:${this.port}${path}`)).text();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
