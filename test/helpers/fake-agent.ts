/**
 * A fake agent for testing what clients (the CLI, the language server) do when the agent on the
 * other end misbehaves: a real WebSocket server on 127.0.0.1 announced by a real discovery record
 * (folder 0700, file 0600, as an agent writes them), answering the handshake like an agent and
 * everything after as the test says: with hostile frames, with replies, or not at all.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AgentInfo, DiscoveryRecord } from 'hotpatch-agent/protocol';
import WebSocket, { WebSocketServer } from 'ws';

/** A request or notification as the fake agent received it. */
export interface Received {
  id?: string | number;
  method: string;
  params?: unknown;
}

export interface FakeAgentScript {
  /** Frames sent right after the handshake's reply, each as is when a string, else as JSON. */
  afterHandshake?: unknown[];
  /**
   * The reply to a request after the handshake: a result, or `undefined` to stay silent.
   * Default: an empty answer to modules and processes, silence for anything else.
   */
  answer?: (request: Received) => unknown;
  /** Frames sent after each answer, as for afterHandshake. */
  afterAnswer?: unknown[];
  appName?: string;
  root?: string;
  /** Fields of the handshake's reply to replace (the discovery record keeps the real ones). */
  handshake?: Record<string, unknown>;
}

export class FakeAgent {
  /** Every request and notification received, in order. */
  readonly received: Received[] = [];
  readonly sockets = new Set<WebSocket>();

  private constructor(
    readonly server: WebSocketServer,
    readonly record: DiscoveryRecord,
    readonly file: string,
  ) {}

  /** Listens on 127.0.0.1 and writes `<dir>/<this pid>.json` (the test process is the pid that lives). */
  static async start(dir: string, script: FakeAgentScript = {}): Promise<FakeAgent> {
    const { server, info, record, file } = await announceAgent(dir, {
      appName: script.appName ?? 'fake-app',
      root: script.root ?? dir,
      agentVersion: '0.0.0-fake',
    });
    const agent = new FakeAgent(server, record, file);
    const answer =
      script.answer ??
      ((request: Received) =>
        request.method === 'agent/modules'
          ? { modules: [] }
          : request.method === 'agent/processes'
            ? { processes: [] }
            : request.method === 'agent/supervisors'
              ? { supervisors: [] }
              : undefined);
    server.on('connection', (socket) => {
      agent.sockets.add(socket);
      socket.on('close', () => agent.sockets.delete(socket));
      const send = (frames: unknown[] = []) => {
        for (const frame of frames) socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      };
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as Received;
        agent.received.push(message);
        if (message.id === undefined) return;
        if (message.method === 'agent/initialize') {
          socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { ...info, ...script.handshake } }));
          send(script.afterHandshake);
          return;
        }
        const result = answer(message);
        if (result === undefined) return;
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
        send(script.afterAnswer);
      });
    });
    return agent;
  }

  /** Requests received for `method`. */
  requests(method: string): Received[] {
    return this.received.filter((m) => m.method === method && m.id !== undefined);
  }

  async stop(): Promise<void> {
    rmSync(this.file, { force: true });
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A WebSocket server on 127.0.0.1 announced in `dir` by a discovery record as an agent writes
 * it (folder 0700, file 0600, written whole by a rename); the test process is the pid that lives.
 */
export async function announceAgent(
  dir: string,
  who: { appName: string; root: string; agentVersion: string },
): Promise<{ server: WebSocketServer; info: AgentInfo; record: DiscoveryRecord; file: string }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const info: AgentInfo = {
    protocolVersion: 1,
    agentVersion: who.agentVersion,
    pid: process.pid,
    appName: who.appName,
    root: who.root,
    nodeVersion: process.version,
    startedAt: new Date().toISOString(),
  };
  const record: DiscoveryRecord = {
    ...info,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: 'f'.repeat(64),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dir, `${process.pid}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
  chmodSync(`${file}.tmp`, 0o600);
  renameSync(`${file}.tmp`, file);
  return { server, info, record, file };
}
