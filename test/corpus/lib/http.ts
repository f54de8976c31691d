/** HTTP on 127.0.0.1: requests with a cookie jar, probes, and the background client that counts failures. */
import type { HttpRequest, Keep, Probe } from './types';
import { exchange } from './websocket';
import { socketIoExchange } from './socket-io';
import { streamExchange } from './event-stream';

export interface Answer {
  status: number;
  body: string;
  headers: Headers;
}

/** Cookies by name, as a browser keeps them for one site (enough for express-session). */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  header(): string | undefined {
    return this.#cookies.size ? [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.#cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
}

/** Replaces `{n}` in every string of a request or probe. */
export function withN<T>(value: T, n: number): T {
  return replaceN(value, String(n)) as T;
}

function replaceN(value: unknown, n: string): unknown {
  if (typeof value === 'string') return value.replaceAll('{n}', n);
  if (Array.isArray(value)) return value.map((item) => replaceN(item, n));
  // Plain objects only: a RegExp (a keep's `extract`) is kept as it is.
  if (value && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceN(item, n)]));
  }
  return value;
}

export async function send(port: number, request: HttpRequest, jar?: CookieJar, timeoutMs = 2000): Promise<Answer> {
  if (request.websocket) return exchange(port, request.path, request.websocket, timeoutMs);
  if (request.socketIo) return socketIoExchange(port, request.path, request.socketIo, timeoutMs);
  if (request.eventStream) {
    return streamExchange(port, request.path, request.eventStream, timeoutMs, (trigger) =>
      send(port, trigger, jar, timeoutMs),
    );
  }
  const headers: Record<string, string> = {};
  const cookie = jar?.header();
  if (cookie) headers.cookie = cookie;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`http://127.0.0.1:${port}${request.path}`, {
    method: request.method ?? 'GET',
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = await response.text();
  jar?.store(response.headers);
  return { status: response.status, body, headers: response.headers };
}

function short(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Runs one probe; returns undefined when it passes, else why not. */
export async function checkProbe(port: number, probe: Probe, jar: CookieJar): Promise<string | undefined> {
  const what = probe.websocket
    ? `WebSocket ${probe.path} ${probe.websocket.send}`
    : probe.eventStream
      ? `event stream ${probe.path}, event ${JSON.stringify(probe.eventStream.event)}`
      : probe.socketIo
        ? `Socket.IO ${probe.socketIo.emit}`
        : `${probe.method ?? 'GET'} ${probe.path}`;
  let answer: Answer;
  try {
    answer = await send(port, probe, jar);
  } catch (error) {
    return `${what}: ${error instanceof Error ? (error.cause ? String(error.cause) : error.message) : String(error)}`;
  }
  const expected = probe.status ?? 200;
  if (answer.status !== expected)
    return `${what}: status ${answer.status}, expected ${expected} (${short(answer.body)})`;
  for (const text of probe.includes ?? []) {
    if (!answer.body.includes(text)) return `${what}: no ${JSON.stringify(text)} in ${short(answer.body)}`;
  }
  for (const text of probe.excludes ?? []) {
    if (answer.body.includes(text)) return `${what}: unexpected ${JSON.stringify(text)} in ${short(answer.body)}`;
  }
  if (probe.header) {
    const [name, value] = probe.header;
    const actual = answer.headers.get(name);
    if (actual === null || !actual.includes(value)) return `${what}: header ${name} is ${actual ?? 'absent'}`;
  }
  return undefined;
}

/** Runs probes in order; returns the reasons of those that failed. */
export async function checkProbes(port: number, probes: Probe[], jar: CookieJar): Promise<string[]> {
  const failures: string[] = [];
  for (const probe of probes) {
    let failure = await checkProbe(port, probe, jar);
    // What a timer does shows at its next tick: ask again until the probe's bound.
    const deadline = Date.now() + (probe.eventually ?? 0);
    while (failure && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      failure = await checkProbe(port, probe, jar);
    }
    if (failure) failures.push(failure);
  }
  return failures;
}

/** What a Keep check reads: the answer's text (or its first captured group), or an error marker. */
export async function snapshot(port: number, keep: Keep, jar: CookieJar): Promise<string> {
  try {
    const answer = await send(port, { path: keep.path }, jar);
    const text = keep.extract ? (keep.extract.exec(answer.body)?.[1] ?? '') : answer.body;
    return `${answer.status} ${text}`;
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Whether the app answers its cheap GET without a server error. */
export async function answers(port: number, path: string): Promise<boolean> {
  try {
    return (await send(port, { path }, undefined, 1000)).status < 500;
  } catch {
    return false;
  }
}

/** A client requesting `path` every 20 ms; a refused connection, a 5xx or a 2 s timeout counts as failed. */
export class Traffic {
  sent = 0;
  failed = 0;
  readonly reasons = new Map<string, number>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly port: number,
    private readonly path: string,
  ) {
    this.#timer = setInterval(() => this.#tick(), 20);
  }

  #tick(): void {
    this.sent++;
    const request = send(this.port, { path: this.path }, undefined, 2000).then(
      (answer) => {
        if (answer.status >= 500) this.#fail(`status ${answer.status}`);
      },
      (error: unknown) => {
        const cause = error instanceof Error ? ((error.cause as { code?: string })?.code ?? error.name) : 'error';
        this.#fail(String(cause));
      },
    );
    this.#inFlight.add(request);
    void request.finally(() => this.#inFlight.delete(request));
  }

  #fail(reason: string): void {
    this.failed++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
  }

  /** Stops sending and waits for the requests still in flight (each bounded by its 2 s timeout). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await Promise.all([...this.#inFlight]);
  }
}
