import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentInfo } from 'hotpatch-agent/protocol';
import WebSocket from 'ws';
import type { WebSocketServer } from 'ws';
import { announceAgent } from './fake-agent';
import { LIBRARY, NOTIFICATIONS, type Fuzz } from './fuzz';

/**
 * A fake agent on 127.0.0.1 announced by a real discovery record that answers requests with
 * fuzzed replies, sending `burst` fuzzed frames before each, until `budget` frames are spent;
 * after that it answers like an agent with nothing loaded.
 */
export class FuzzingAgent {
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
    const { server, info, file } = await announceAgent(join(dir, 'agents'), {
      appName: 'fuzz-app',
      root: dir,
      agentVersion: '0.0.0-fuzz',
    });
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
                  : message.method === 'agent/supervisors'
                    ? { supervisors: [] }
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
        const key = method.includes('module') ? 'module' : method.includes('supervisor') ? 'supervisor' : 'process';
        const params = fuzz.chance(0.3) ? fuzz.params() : { [key]: this.entity(fuzz, key), reason: fuzz.value(1) };
        return JSON.stringify({ jsonrpc: fuzz.chance(0.9) ? '2.0' : '1.0', method, params });
      }
    }
  }

  /** A module, process or supervisor that is almost right: each field now and then of the wrong type. */
  entity(fuzz: Fuzz, key: 'module' | 'process' | 'supervisor'): unknown {
    const version = { vsn: '1', seq: 1, loadedAt: new Date(0).toISOString(), origin: 'startup', hash: '0123456789ab' };
    const child = { id: 'c', restart: 'permanent', type: 'worker', status: 'running', process: 'counter#1' };
    const good: Record<string, unknown> =
      key === 'module'
        ? { file: `/srv/${fuzz.string()}.js`, format: 'cjs', sources: [], exports: ['x'], current: version, old: null }
        : key === 'supervisor'
          ? { id: 'supervisor#1', strategy: 'one_for_one', intensity: 3, period: 5000, children: [child] }
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
