/**
 * A loopback TCP proxy to put between a client and an agent, to break the connection while
 * the app lives: cut every forwarded connection, refuse new ones for a while, hold new ones
 * unanswered, or stall open ones (a peer that stops answering without closing). A WebSocket
 * client connecting to ws://127.0.0.1:<proxy port> sends `Host: 127.0.0.1:<proxy port>`, which
 * the agent accepts.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class TcpProxy {
  readonly #pairs = new Set<[Socket, Socket]>();
  #refusing = false;
  /** Connections accepted while holding, not yet forwarded. */
  #held: Socket[] | undefined;
  /** Connections accepted and forwarded so far. */
  forwarded = 0;
  /** Connections closed at once because the proxy was refusing. */
  refused = 0;

  private constructor(
    readonly server: Server,
    readonly targetPort: number,
  ) {}

  /** Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:`targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server, targetPort);
    server.on('connection', (socket) => proxy.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  /** Forwarded connections still open. */
  get open(): number {
    return this.#pairs.size;
  }

  #accept(client: Socket): void {
    if (this.#refusing) {
      this.refused++;
      client.on('error', () => {});
      client.destroy();
      return;
    }
    if (this.#held) {
      client.pause();
      this.#held.push(client);
      return;
    }
    this.#forward(client);
  }

  #forward(client: Socket): void {
    this.forwarded++;
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.#pairs.add(pair);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      this.#pairs.delete(pair);
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Closes every forwarded connection on both sides at once. */
  cut(): void {
    for (const [client, upstream] of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** New connections are closed as soon as they are accepted, until `restore()`. */
  refuse(): void {
    this.#refusing = true;
  }

  restore(): void {
    this.#refusing = false;
  }

  /** New connections are accepted but wait, unanswered, until `release()` (an agent slow to answer). */
  hold(): void {
    this.#held ??= [];
  }

  /** Forwards the connections held since `hold()`, and new ones from now on. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const client of held) {
      this.#forward(client);
      client.resume();
    }
  }

  /** Stops forwarding on the open connections without closing them. New connections are not affected. */
  stall(): void {
    for (const [client, upstream] of this.#pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  async close(): Promise<void> {
    this.cut();
    for (const client of this.#held ?? []) client.destroy();
    this.#held = undefined;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
