/**
 * The agent's listening side: an HTTP server on a loopback address that accepts only
 * WebSocket upgrades passing the security checks, each becoming one JSON-RPC connection.
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
  /** Called for each accepted connection before it starts listening. */
  onConnection(connection: MessageConnection): void;
}

export class AgentServer {
  readonly #http: Server;
  readonly #wss: WebSocketServer;

  private constructor(readonly options: AgentServerOptions) {
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
    this.#http = createServer((_request, response) => {
      response.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
      response.end('hotpatch agent: connect with a WebSocket (see PROTOCOL.md)\n');
    });
    this.#http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      this.#upgrade(request, socket, head);
    });
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
