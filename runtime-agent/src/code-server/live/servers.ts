/**
 * Servers a hot module's top level starts, and their handover (Bun's `--hot` keeps its socket
 * and swaps the handler). When a new version's top level calls `listen` on an address a server
 * of the same module already holds, the new server does not bind: the running one takes the
 * new server's handlers (`request`, `upgrade`, `connection`), so the same socket serves the new
 * code with no refused connection, no EADDRINUSE and no second port. Express, Koa and Fastify
 * all listen through `net.Server.prototype.listen`, so one wrapper covers them.
 *
 * A listen that fails while a version is prepared (a port in use elsewhere) rejects that
 * version instead of ending the app with an unhandled 'error' event.
 */
import { Server } from 'node:net';
import { VERSION_MARK } from '../evaluate';
import { callSites, fileOf } from './registrations';
import { currentFrame } from './top-level';

/** The servers hot modules listen with, by address. */
const held = new Map<string, { server: Server; file: string }>();

/** What a version's evaluation started listening, to wait for before the version is accepted. */
export interface PendingListen {
  address: string;
  settled: Promise<Error | undefined>;
}

const originalListen = Server.prototype.listen;
const HANDLERS = ['request', 'upgrade', 'connection', 'checkContinue', 'checkExpectation'] as const;

/**
 * Installs the wrapper; it acts while a hot module's top level runs, and for a listen its code
 * makes after its top level's first `await` (an async main): see listenAfterTopLevel.
 */
export function watchListens(
  onListen: (file: string, pending: PendingListen, note?: string) => void,
  isHot: (file: string) => boolean,
): void {
  Server.prototype.listen = function listen(this: Server, ...args: unknown[]): Server {
    const frame = currentFrame();
    if (!frame) return listenAfterTopLevel(this, args, isHot, listen);
    // Port 0 (any free port) is the same address for the same module: a new version's listen(0) is not a second server.
    const address = addressOf(args) ?? `${frame.file} (any port)`;
    const holder = held.get(address);
    if (frame.loading && holder && holder.file === frame.file && holder.server.listening) {
      handOver(holder.server, this, args);
      onListen(
        frame.file,
        { address, settled: Promise.resolve(undefined) },
        `the server on ${address} now runs the new handler`,
      );
      return this;
    }
    const preparing = frame.loading;
    const settled = new Promise<Error | undefined>((resolve) => {
      const onError = (error: Error): void => {
        this.off('listening', onListening);
        resolve(error);
      };
      const onListening = (): void => {
        this.off('error', onError);
        held.set(address, { server: this, file: frame.file });
        this.once('close', () => {
          if (held.get(address)?.server === this) held.delete(address);
        });
        resolve(undefined);
      };
      // While a version is being prepared a failed listen is its error, not the app's end. (At
      // startup the app's own handling, or its absence, stands.)
      if (preparing) this.once('error', onError);
      this.once('listening', onListening);
    });
    onListen(frame.file, { address, settled });
    return Reflect.apply(originalListen, this, args) as Server;
  };
}

/**
 * A listen no top level is running: an async main's, after its first `await` (`(async () => {
 * await db.connect(); …; app.listen(port) })()`), which runs past the load that ran the main
 * again. Held by its address when a hot module's code makes it (found on the stack), as a top
 * level's are; and where that module's server already listens there, handed over to it as a
 * top level's would be (without, it failed with EADDRINUSE: the new routes never served).
 */
function listenAfterTopLevel(
  server: Server,
  args: unknown[],
  isHot: (file: string) => boolean,
  below: Function,
): Server {
  const address = addressOf(args);
  const file = address === undefined ? undefined : hotCaller(isHot, below);
  if (address === undefined || file === undefined) return Reflect.apply(originalListen, server, args) as Server;
  const holder = held.get(address);
  if (holder && holder.file === file && holder.server.listening && holder.server !== server) {
    handOver(holder.server, server, args);
    return server;
  }
  server.once('listening', () => {
    held.set(address, { server, file });
    server.once('close', () => {
      if (held.get(address)?.server === server) held.delete(address);
    });
  });
  return Reflect.apply(originalListen, server, args) as Server;
}

/** The hot module whose code is on the stack below `below`, its versions' URLs (`file#hotpatch-2`) as its file. */
function hotCaller(isHot: (file: string) => boolean, below: Function): string | undefined {
  for (const site of callSites(STACK_DEPTH, below)) {
    const name = fileOf(site.getFileName());
    if (name === undefined) continue;
    const version = name.lastIndexOf(VERSION_MARK);
    const file = version < 0 ? name : name.slice(0, version);
    if (isHot(file)) return file;
  }
  return undefined;
}

/** Frames read for the module that listens: a framework's own listen sits between (Express's app.listen). */
const STACK_DEPTH = 12;

/** The running server takes the new one's handlers; the new one stands in for it. */
function handOver(running: Server, next: Server, args: unknown[]): void {
  for (const event of HANDLERS) {
    const handlers = next.listeners(event);
    if (handlers.length === 0) continue;
    running.removeAllListeners(event);
    for (const handler of handlers) running.on(event, handler as (...a: unknown[]) => void);
  }
  // The new server object answers as the one it replaced: its address, its close.
  Object.defineProperties(next, {
    address: { value: () => running.address(), configurable: true },
    listening: { get: () => running.listening, configurable: true },
    close: {
      value: (callback?: (error?: Error) => void) => {
        running.close(callback);
        return next;
      },
      configurable: true,
    },
  });
  const callback = args.findLast((a) => typeof a === 'function') as (() => void) | undefined;
  if (callback) next.once('listening', callback);
  process.nextTick(() => next.emit('listening'));
}

/** `host:port` or the pipe path `listen` was given; undefined for port 0 (a fresh port each time). */
function addressOf(args: unknown[]): string | undefined {
  const [first, second] = args;
  let port: unknown;
  let host: unknown;
  let path: unknown;
  if (typeof first === 'object' && first !== null) {
    ({ port, host, path } = first as { port?: unknown; host?: unknown; path?: unknown });
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    path = first;
  } else {
    port = first;
    host = typeof second === 'string' ? second : undefined;
  }
  if (typeof path === 'string') return path;
  const number = Number(port ?? 0);
  if (!Number.isInteger(number) || number <= 0) return undefined;
  return `${typeof host === 'string' && host !== '' ? host : '*'}:${number}`;
}
