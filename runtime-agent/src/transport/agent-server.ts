/**
 * The agent's listening side: an HTTP server on a loopback address that accepts only
 * WebSocket upgrades passing the security checks, each becoming one JSON-RPC connection.
 *
 * A socket is pending from its TCP connection until its upgrade is accepted. Pending sockets
 * cost the app file descriptors, and anything on the machine can open them, so there are at
 * most `maxPendingConnections` (a new one closes the oldest: idle sockets cannot lock a client
 * out for long) and each has `handshakeTimeoutMs` in all to complete its upgrade (a deadline,
 * not an idle timer, so a request sent a byte at a time does not stretch it).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { WebSocketServer } from 'ws';
import { checkUpgrade, type Refusal } from './security';
import { connectionOverWebSocket } from './websocket-rpc';

export interface AgentServerOptions {
  host: string;
  port: number;
  token: string;
  /** Largest message accepted, in bytes; a larger one closes that connection with 1009. */
  maxPayload: number;
  /** Connections open at once; more are refused with 503. */
  maxConnections: number;
  /** Sockets connected but not yet upgraded; past it the oldest is closed. */
  maxPendingConnections: number;
  /** How long a socket may take from connecting to an accepted upgrade. */
  handshakeTimeoutMs: number;
  /** Called for each accepted connection before it starts listening. */
  onConnection(connection: MessageConnection): void;
}

export class AgentServer {
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  /** Pending sockets, oldest first, with what ends their wait. */
  readonly #pending = new Map<Socket, () => void>();

  private constructor(readonly options: AgentServerOptions) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
    this.#http = createServer((_request, response) => {
      response.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      response.end('hotpatch agent: connect with a WebSocket (see PROTOCOL.md)\n');
    });
    this.#http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.#upgrade(request, socket, head);
    });
    this.#http.on('connection', (socket: Socket) => this.#connected(socket));
  }

  #connected(socket: Socket): void {
    const timer = setTimeout(() => socket.destroy(), this.options.handshakeTimeoutMs);
    timer.unref();
    const settled = (): void => {
      clearTimeout(timer);
      this.#pending.delete(socket);
    };
    socket.once('close', settled);
    this.#pending.set(socket, settled);
    for (const [oldest, done] of this.#pending) {
      if (this.#pending.size <= this.options.maxPendingConnections) break;
      done();
      oldest.destroy();
    }
  }

  static async listen(options: AgentServerOptions): Promise<AgentServer> {
    const server = new AgentServer(options);
    await new Promise<void>((resolve, reject) => {
      server.#http.once('error', reject);
      server.#http.listen(options.port, options.host, () => {
        server.#http.off('error', reject);
        resolve();
      });
    });
    // The agent must never keep an app alive that would otherwise exit.
    server.#http.unref();
    return server;
  }

  get port(): number {
    return (this.#http.address() as AddressInfo).port;
  }

  #upgrade(request: IncomingMessage, socket: Socket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refusal: Refusal | undefined =
      checkUpgrade(
        { host: request.headers.host, origin: request.headers.origin, authorization: request.headers.authorization },
        this.options.token,
      ) ??
      (this.#wss.clients.size >= this.options.maxConnections
        ? { status: 503, reason: `too many connections (limit ${this.options.maxConnections})` }
        : undefined);
    if (refusal) {
      const body = `hotpatch agent: ${refusal.reason}\n`;
      socket.end(
        `HTTP/1.1 ${refusal.status} ${statusText(refusal.status)}\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (webSocket) => {
      this.#pending.get(socket)?.();
      webSocket.on('error', () => webSocket.terminate());
      const connection = connectionOverWebSocket(webSocket);
      webSocket.on('close', () => connection.dispose());
      this.options.onConnection(connection);
      connection.listen();
    });
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}

function statusText(status: number): string {
  return status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Service Unavailable';
}
