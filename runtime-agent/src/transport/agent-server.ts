/**
 * The agent's listening side: an HTTP server on a loopback address that accepts only
 * WebSocket upgrades passing the security checks, each becoming one JSON-RPC connection.
 *
 * A socket is pending from its TCP connection until its upgrade is accepted. Pending sockets
 * cost the app file descriptors, and anything on the machine can open them, so there are at
 * most `maxPendingConnections` (a new one closes the oldest: idle sockets cannot lock a client
 * out for long) and each has `handshakeTimeoutMs` in all to complete its upgrade (a deadline,
 * not an idle timer, so a request sent a byte at a time does not stretch it).
 *
 * The WebSocket and JSON-RPC libraries, and what serves a connection, load at the first upgrade
 * that passes the checks, not with the app: most app starts never see a client, and loading
 * them cost the app ≈70 ms and ≈10 MB at startup (issue 13). They come from a bundle of their
 * own with a code cache (transport-libraries.ts), so that the first connection holds the
 * app's thread ≈30 ms, not the ≈150 ms of Node's loader reading them file by file.
 */
import { STATUS_CODES, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { WebSocketServer } from 'ws';
import { checkUpgrade, type Refusal } from './security';
import { errorMessage } from '../error-message';

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
  /**
   * Loads what serves connections, once, at the first accepted upgrade; what it returns is
   * called for each accepted connection before the connection starts listening.
   */
  loadConnectionHandler(): (connection: MessageConnection) => void;
}

/** What accepting a connection needs, loaded at the first upgrade (see the file's comment). */
interface Acceptor {
  wss: WebSocketServer;
  connectionOverWebSocket: typeof import('./websocket-rpc').connectionOverWebSocket;
  onConnection(connection: MessageConnection): void;
}

export class AgentServer {
  readonly #http: Server;
  #acceptor: Acceptor | undefined;
  /** Pending sockets, oldest first, with what ends their wait. */
  readonly #pending = new Map<Socket, () => void>();

  private constructor(readonly options: AgentServerOptions) {
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
      // exclusive: in a cluster worker (node:cluster, pm2's cluster mode) a listen is otherwise
      // handed to the primary, which gives every worker asking for port 0 the same shared port
      // and spreads connections among them: a client would reach another worker's agent.
      server.#http.listen({ port: options.port, host: options.host, exclusive: true }, () => {
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
      ((this.#acceptor?.wss.clients.size ?? 0) >= this.options.maxConnections
        ? { status: 503, reason: `too many connections (limit ${this.options.maxConnections})` }
        : undefined);
    if (refusal) {
      refuse(socket, refusal);
      return;
    }
    let acceptor: Acceptor;
    try {
      acceptor = this.#loadAcceptor();
    } catch (error) {
      // Never the app's end: the client is told, and the next upgrade tries again.
      refuse(socket, { status: 500, reason: `could not serve connections: ${errorMessage(error)}` });
      return;
    }
    acceptor.wss.handleUpgrade(request, socket, head, (webSocket) => {
      this.#pending.get(socket)?.();
      webSocket.on('error', () => webSocket.terminate());
      const connection = acceptor.connectionOverWebSocket(webSocket);
      webSocket.on('close', () => connection.dispose());
      acceptor.onConnection(connection);
      connection.listen();
    });
  }

  #loadAcceptor(): Acceptor {
    if (this.#acceptor) return this.#acceptor;
    // Requires, which esbuild's bundle evaluates at the call (see the file's comment).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { WebSocketServer } = require('ws') as typeof import('ws');
    const { connectionOverWebSocket } = require('./websocket-rpc') as typeof import('./websocket-rpc');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const onConnection = this.options.loadConnectionHandler();
    const wss = new WebSocketServer({ noServer: true, maxPayload: this.options.maxPayload });
    this.#acceptor = { wss, connectionOverWebSocket, onConnection };
    return this.#acceptor;
  }

  async close(): Promise<void> {
    for (const client of this.#acceptor?.wss.clients ?? []) client.terminate();
    this.#acceptor?.wss.close();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}

function refuse(socket: Socket, refusal: Refusal): void {
  const body = `hotpatch agent: ${refusal.reason}\n`;
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
