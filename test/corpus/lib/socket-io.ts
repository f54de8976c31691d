/**
 * Socket.IO exchanges for the corpus's Socket.IO apps: an event emitted with an
 * acknowledgement callback, the acknowledgement read as the answer's body (its JSON). A named
 * socket stays connected across edits, so a probe after an edit speaks over the connection the
 * app accepted before it: what the handlers registered for that connection do then is what the
 * running app's clients get. One the app dropped fails the exchange that finds it so (a restart
 * drops every client), and the next connects again. The client does not reconnect by itself.
 */
import { io, type Socket } from 'socket.io-client';
import type { Answer } from './http';
import type { SocketIoExchange } from './types';

const named = new Map<string, Socket>();

export async function socketIoExchange(
  port: number,
  path: string,
  exchange: SocketIoExchange,
  timeoutMs: number,
): Promise<Answer> {
  const key = `${port} ${exchange.socket ?? ''}`;
  let socket = exchange.socket ? named.get(key) : undefined;
  if (socket && !socket.connected) {
    named.delete(key);
    socket.close();
    throw new Error(`the socket ${exchange.socket} connected before was dropped by the app`);
  }
  if (!socket) {
    socket = await connect(port, path, exchange.auth, timeoutMs);
    if (exchange.socket) named.set(key, socket);
  }
  try {
    const ack: unknown = await socket.timeout(timeoutMs).emitWithAck(exchange.emit, ...(exchange.args ?? []));
    return { status: 200, body: JSON.stringify(ack), headers: new Headers() };
  } finally {
    if (!exchange.socket) socket.close();
  }
}

/** Closes the sockets kept connected to the app on `port`. */
export function closeSocketIo(port: number): void {
  for (const [key, socket] of named) {
    if (!key.startsWith(`${port} `)) continue;
    socket.close();
    named.delete(key);
  }
}

/**
 * A socket connected to the app; rejects if it is refused, dropped before it connected (a
 * middleware that never calls `next`, the app closing it) or not connected within `timeoutMs`.
 */
function connect(port: number, path: string, auth: SocketIoExchange['auth'], timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`http://127.0.0.1:${port}`, {
      path,
      auth,
      transports: ['websocket'],
      reconnection: false,
      timeout: timeoutMs,
    });
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.off('connect', connected);
      socket.close();
      reject(error);
    };
    const connected = (): void => {
      clearTimeout(timer);
      socket.off('connect_error', fail).off('disconnect', dropped);
      resolve(socket);
    };
    const dropped = (reason: string): void => fail(new Error(`dropped before it connected: ${reason}`));
    const timer = setTimeout(() => fail(new Error(`not connected within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', connected).once('connect_error', fail).once('disconnect', dropped);
  });
}
