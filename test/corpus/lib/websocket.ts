/**
 * WebSocket exchanges for the corpus's real-time apps: a message sent, the message that answers
 * it read as the answer's body. A named socket stays open across edits, so a probe after an
 * edit speaks over the connection the app accepted before it: what a per-connection handler
 * closure does then is what the running app's existing clients get.
 */
import WebSocket from 'ws';
import type { Answer } from './http';
import type { WebSocketExchange } from './types';

interface OpenSocket {
  socket: WebSocket;
  /** Messages not yet taken by an exchange. */
  received: string[];
  /** Called when a message arrives. */
  notify?: () => void;
}

const named = new Map<string, OpenSocket>();

export async function exchange(port: number, path: string, ws: WebSocketExchange, timeoutMs: number): Promise<Answer> {
  const key = `${port} ${ws.socket ?? ''}`;
  let open = ws.socket ? named.get(key) : undefined;
  if (!open || open.socket.readyState !== WebSocket.OPEN) {
    open = await connect(port, path, timeoutMs);
    if (ws.socket) named.set(key, open);
  }
  try {
    open.received.length = 0;
    open.socket.send(ws.send);
    return { status: 200, body: await reply(open, ws.reply, timeoutMs), headers: new Headers() };
  } finally {
    if (!ws.socket) open.socket.close();
  }
}

/** Closes the sockets kept open for the app on `port`. */
export function closeSockets(port: number): void {
  for (const [key, open] of named) {
    if (!key.startsWith(`${port} `)) continue;
    open.socket.terminate();
    named.delete(key);
  }
}

function connect(port: number, path: string, timeoutMs: number): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { handshakeTimeout: timeoutMs });
    const open: OpenSocket = { socket, received: [] };
    socket.on('message', (data: WebSocket.RawData) => {
      open.received.push(String(data));
      open.notify?.();
    });
    socket.once('open', () => resolve(open));
    socket.once('error', reject);
  });
}

/** The first message containing `marker`; rejects after `timeoutMs`, naming what came instead. */
function reply(open: OpenSocket, marker: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // Each exchange's listeners go when it settles: a socket kept across edits sees many.
    const settle = (): void => {
      clearTimeout(timer);
      open.notify = undefined;
      open.socket.off('close', closed);
    };
    const timer = setTimeout(() => {
      settle();
      reject(
        new Error(`no reply with ${JSON.stringify(marker)} in ${timeoutMs} ms (got ${JSON.stringify(open.received)})`),
      );
    }, timeoutMs);
    const check = (): void => {
      const found = open.received.find((message) => message.includes(marker));
      if (found === undefined) return;
      settle();
      resolve(found);
    };
    const closed = (): void => {
      settle();
      reject(new Error('the socket closed before the reply'));
    };
    open.socket.once('close', closed);
    open.notify = check;
    check();
  });
}
