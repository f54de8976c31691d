/**
 * Server-sent events for the corpus's streaming apps: a stream opened with a GET that the app
 * answers as `text/event-stream` and never ends, an optional request that makes the app send
 * an event (a POST), and the event that answers it read as the answer's body. A named stream
 * stays open across edits, so a probe after an edit reads the response the app began before it:
 * what a per-connection closure (a heartbeat timer, a listener) does then is what the running
 * app's existing subscribers get. One the app ended fails the exchange that finds it so (the
 * subscriber was dropped), and the next opens another.
 *
 * Node's fetch reads the stream; events are split on blank lines, as the EventSource standard
 * splits them (comments, the lines starting with `:`, kept in the text).
 */
import type { Answer } from './http';
import type { EventStreamExchange, HttpRequest } from './types';

interface OpenStream {
  controller: AbortController;
  /** Events not yet taken by an exchange, each its raw text (`event: item\ndata: {…}`). */
  events: string[];
  closed: boolean;
  /** Called when an event arrives or the stream ends. */
  notify?: () => void;
}

const named = new Map<string, OpenStream>();

/** Sends what triggers the event (a plain HTTP request). */
type Send = (request: HttpRequest) => Promise<Answer>;

export async function streamExchange(
  port: number,
  path: string,
  exchange: EventStreamExchange,
  timeoutMs: number,
  send: Send,
): Promise<Answer> {
  const key = `${port} ${path} ${exchange.stream ?? ''}`;
  let open = exchange.stream ? named.get(key) : undefined;
  if (open?.closed) {
    // The app ended a subscriber's stream (a restart does): said, and the next exchange opens another.
    named.delete(key);
    throw new Error(`the app ended the event stream "${exchange.stream}" opened before`);
  }
  if (!open) {
    open = await connect(port, path, timeoutMs);
    if (exchange.stream) named.set(key, open);
  }
  try {
    open.events.length = 0;
    if (exchange.trigger) {
      const triggered = await send(exchange.trigger);
      if (triggered.status >= 400) return triggered;
    }
    return { status: 200, body: await nextEvent(open, exchange.event, timeoutMs), headers: new Headers() };
  } finally {
    if (!exchange.stream) open.controller.abort();
  }
}

/** Closes the streams kept open for the app on `port`. */
export function closeStreams(port: number): void {
  for (const [key, open] of named) {
    if (!key.startsWith(`${port} `)) continue;
    open.controller.abort();
    named.delete(key);
  }
}

async function connect(port: number, path: string, timeoutMs: number): Promise<OpenStream> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}${path}`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) {
    controller.abort();
    throw new Error(
      `GET ${path}: status ${response.status}, ${response.headers.get('content-type')}: not an event stream`,
    );
  }
  const open: OpenStream = { controller, events: [], closed: false };
  void read(response.body, open);
  return open;
}

/** Events kept unread at most: a heartbeat's pile between two exchanges stays small. */
const KEPT_EVENTS = 200;

async function read(body: ReadableStream<Uint8Array>, open: OpenStream): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      // Line ends as the standard reads them; a `\r` last may be the first half of a `\r\n`.
      const held = buffer.endsWith('\r') ? '\r' : '';
      buffer = buffer.slice(0, buffer.length - held.length).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        open.events.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
      buffer += held;
      if (open.events.length > KEPT_EVENTS) open.events.splice(0, open.events.length - KEPT_EVENTS);
      open.notify?.();
    }
  } catch {
    // Aborted by the runner, or the app went away: the stream is closed either way.
  }
  open.closed = true;
  open.notify?.();
}

/** The first event containing `marker`; rejects after `timeoutMs`, naming what came instead. */
function nextEvent(open: OpenStream, marker: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      open.notify = undefined;
    };
    const timer = setTimeout(() => {
      settle();
      reject(
        new Error(`no event with ${JSON.stringify(marker)} in ${timeoutMs} ms (got ${JSON.stringify(open.events)})`),
      );
    }, timeoutMs);
    const check = (): void => {
      const found = open.events.find((event) => event.includes(marker));
      if (found !== undefined) {
        settle();
        resolve(found);
      } else if (open.closed) {
        settle();
        reject(new Error('the stream ended before the event'));
      }
    };
    open.notify = check;
    check();
  });
}
