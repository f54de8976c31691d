/**
 * A typed connection to one agent: WebSocket with the bearer token, the handshake, and the
 * protocol's requests and notifications as methods and events.
 */
import { EventEmitter } from 'node:events';
import * as protocol from 'hotpatch-agent/protocol';
import { connectionOverWebSocket } from 'hotpatch-agent/websocket-rpc';
import { CancellationTokenSource, ResponseError, type MessageConnection, type RequestType } from 'vscode-jsonrpc/node';
import WebSocket from 'ws';
import type * as z from 'zod/mini';
import { AgentInfo, checked, notificationSchemas, resultSchemas } from './replies';

declare const CLIENT_VERSION: string;

export interface AgentClientEvents {
  moduleLoaded: [protocol.ModuleInfo];
  modulePurged: [protocol.ModuleInfo];
  processStarted: [protocol.ProcessInfo];
  processExited: [protocol.ProcessInfo, string];
  /** Who holds the process suspended changed. */
  processChanged: [protocol.ProcessInfo];
  /** Many processes of these modules changed at once: read them again. */
  processesChanged: [string[]];
  supervisorStarted: [protocol.SupervisorInfo];
  supervisorChanged: [protocol.SupervisorInfo];
  supervisorExited: [protocol.SupervisorInfo, string];
  close: [];
}

/** A JSON-RPC error from the agent, with its code and data kept. */
export class AgentError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly data: unknown,
  ) {
    super(message);
    this.name = 'AgentError';
  }
}

/** The agent refused the WebSocket upgrade (401 wrong token, 403 Host/Origin, 503 too many connections). */
export class AgentRefusedError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AgentRefusedError';
  }
}

/** The agent did not answer a request in time (see `requestTimeoutMs`). */
export class AgentTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentTimeoutError';
  }
}

/** How long an agent may take to answer a request, by default: ls, ps, sources, states. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** The agent's default suspend timeout (protocol.ts), which a commit may legitimately spend waiting. */
const DEFAULT_SUSPEND_TIMEOUT_MS = 5000;

export class AgentClient extends EventEmitter<AgentClientEvents> {
  /** The code of each file this client had the agent read ahead, and the reading's number (agent/readAhead). */
  readonly #readings = new Map<string, { code: string; reading: number }>();

  private constructor(
    readonly url: string,
    readonly info: protocol.AgentInfo,
    readonly socket: WebSocket,
    readonly connection: MessageConnection,
    /** Every request's deadline; a commit or rollback gets its suspend timeout on top, a prepare three times it. */
    readonly requestTimeoutMs: number,
  ) {
    super();
  }

  /**
   * Connects, authenticates and performs the handshake. Rejects with the agent's reason on
   * refusal (an AgentRefusedError), and when the whole of it takes longer than `timeoutMs`.
   */
  static async connect(
    url: string,
    token: string,
    options: { timeoutMs?: number; signal?: AbortSignal; requestTimeoutMs?: number } = {},
  ): Promise<AgentClient> {
    options.signal?.throwIfAborted();
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${token}` },
      handshakeTimeout: timeoutMs,
      maxPayload: 64 * 1024 * 1024,
      // RFC 6455 masks a client's frames so that script in a browser cannot make bytes of its
      // choosing reach a proxy between it and the server. Here the client is this process, the
      // server an agent on loopback, and nothing stands between: an all-zero mask (which the
      // RFC allows) lets ws write a message as it is, not copy and XOR it (a module's code goes
      // to every instance of an app at each save: issue 13).
      generateMask: (mask) => mask.fill(0),
    });
    // Aborting (e.g. a connection manager shutting down) ends the attempt at once.
    const abort = (): void => socket.terminate();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      return await AgentClient.#handshake(url, socket, timeoutMs, options.requestTimeoutMs);
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  static async #handshake(
    url: string,
    socket: WebSocket,
    timeoutMs: number,
    requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ): Promise<AgentClient> {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          reject(
            new AgentRefusedError(
              `agent at ${url} refused the connection: ${response.statusCode} ${body.trim()}`,
              response.statusCode ?? 0,
            ),
          ),
        );
      });
    });
    const connection = connectionOverWebSocket(socket);
    // vscode-jsonrpc leaves pending requests unsettled when its reader closes; disposing the
    // connection rejects them, so no request (the handshake included) outlives the socket.
    socket.once('close', () => connection.dispose());
    connection.listen();
    let info: protocol.AgentInfo;
    let timedOut = false;
    let invalid: Error | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.terminate();
    }, timeoutMs);
    try {
      const reply = await connection.sendRequest(protocol.initialize, {
        protocolVersion: protocol.PROTOCOL_VERSION,
        client: { name: 'hotpatch', version: typeof CLIENT_VERSION === 'string' ? CLIENT_VERSION : '0.0.0' },
      });
      try {
        info = checked(AgentInfo, reply, `the handshake reply of the agent at ${url}`);
      } catch (error) {
        throw (invalid = error as Error);
      }
    } catch (error) {
      const open = socket.readyState === WebSocket.OPEN;
      socket.terminate();
      if (invalid) throw invalid;
      if (open) throw toAgentError(error);
      throw new Error(
        timedOut
          ? `agent at ${url} did not answer the handshake within ${timeoutMs} ms`
          : `agent at ${url} closed the connection during the handshake`,
      );
    } finally {
      clearTimeout(timer);
    }
    const client = new AgentClient(url, info, socket, connection, requestTimeoutMs);
    // A notification of the wrong shape is dropped: there is no one to answer, and the next
    // read of modules and processes brings the truth.
    const on = <M extends keyof typeof notificationSchemas>(
      method: M,
      handle: (params: ReturnType<(typeof notificationSchemas)[M]['parse']>) => void,
    ): void => {
      connection.onNotification(method, (params: unknown) => {
        const parsed = notificationSchemas[method].safeParse(params);
        if (parsed.success) handle(parsed.data as ReturnType<(typeof notificationSchemas)[M]['parse']>);
      });
    };
    on('agent/moduleLoaded', ({ module }) => client.emit('moduleLoaded', module));
    on('agent/modulePurged', ({ module }) => client.emit('modulePurged', module));
    on('agent/processStarted', ({ process }) => client.emit('processStarted', process));
    on('agent/processExited', ({ process, reason }) => client.emit('processExited', process, reason));
    on('agent/processChanged', ({ process }) => client.emit('processChanged', process));
    on('agent/processesChanged', ({ files }) => client.emit('processesChanged', files));
    on('agent/supervisorStarted', ({ supervisor }) => client.emit('supervisorStarted', supervisor));
    on('agent/supervisorChanged', ({ supervisor }) => client.emit('supervisorChanged', supervisor));
    on('agent/supervisorExited', ({ supervisor, reason }) => client.emit('supervisorExited', supervisor, reason));
    if (socket.readyState !== WebSocket.OPEN) {
      connection.dispose();
      throw new Error(`agent at ${url} closed the connection during the handshake`);
    }
    socket.once('close', () => client.emit('close'));
    return client;
  }

  async modules(): Promise<protocol.ModuleInfo[]> {
    return (await this.#request(protocol.modules, {})).modules;
  }

  /** Restarts the app (what a load could not apply in place applies then); the new process's pid. */
  restart(): Promise<{ pid: number }> {
    return this.#request(protocol.restart, {});
  }

  load(params: protocol.LoadParams): Promise<protocol.LoadResult> {
    return this.#request(protocol.load, params);
  }

  purge(file: string): Promise<protocol.PurgeResult> {
    return this.#request(protocol.purge, { file });
  }

  softPurge(file: string): Promise<protocol.PurgeResult> {
    return this.#request(protocol.softPurge, { file });
  }

  source(file: string, version: 'current' | 'old' = 'current'): Promise<protocol.SourceResult> {
    return this.#request(protocol.source, { file, version });
  }

  /**
   * Stages an upgrade; see the plan's `ok` and `errors`. A module whose code the agent read
   * ahead for this client goes as the reading's number, not as the code again (most of a save's
   * bytes, to each instance of an app); if the agent no longer keeps that reading (another
   * client's reading of the file replaced it), the prepare goes again with the code.
   */
  async prepare(params: protocol.PrepareParams): Promise<protocol.UpgradePlan> {
    const readings = params.modules.flatMap((m) => {
      const reading = this.#readings.get(m.file);
      return reading ? [[m.file, reading] as const] : [];
    });
    const plan = await this.#prepare(params);
    // A prepare ahead of its save that the agent refused left the reading to the save's
    // (unless a later reading of the file replaced it meanwhile).
    if (params.ahead && !plan.ok) {
      for (const [file, reading] of readings) if (!this.#readings.has(file)) this.#readings.set(file, reading);
    }
    return plan;
  }

  async #prepare(params: protocol.PrepareParams): Promise<protocol.UpgradePlan> {
    const modules = params.modules.map((module) => {
      const ahead = this.#readings.get(module.file);
      this.#readings.delete(module.file); // a reading is taken once, by the prepare of its file
      if (ahead === undefined || module.code !== ahead.code) return module;
      const { code: _, ...rest } = module;
      return { ...rest, readAhead: ahead.reading };
    });
    // The dry run runs every codeChange over every process: allowed longer than a listing.
    const timeoutMs = this.requestTimeoutMs * 3;
    if (modules.every((module, i) => module === params.modules[i])) {
      return this.#request(protocol.prepare, params, timeoutMs);
    }
    try {
      return await this.#request(protocol.prepare, { ...params, modules }, timeoutMs);
    } catch (error) {
      if (!(error instanceof AgentError && error.code === protocol.AgentErrorCode.ReadAheadGone)) throw error;
      return this.#request(protocol.prepare, params, timeoutMs);
    }
  }

  /** Warms the agent's code for the first load of `file` (agent/warm): nothing in the app changes. */
  warm(file: string): Promise<protocol.WarmResult> {
    return this.#request(protocol.warm, { file }, this.requestTimeoutMs * 3);
  }

  /** Has the agent read `code`, the next version of `file`, for its save's prepare (agent/readAhead): nothing in the app changes. */
  async readAhead(file: string, code: string): Promise<protocol.ReadAheadResult> {
    this.#readings.delete(file);
    const result = await this.#request(protocol.readAhead, { file, code });
    if (result.reading !== undefined) this.#readings.set(file, { code, reading: result.reading });
    return result;
  }

  /** `purge`: refuse at once (`soft`) or kill (`brutal`) processes still in a handler, instead of waiting for them. */
  commit(plan: string, suspendTimeoutMs?: number, purge?: protocol.UpgradePurge): Promise<protocol.CommitResult> {
    const params: protocol.CommitParams = { plan, suspendTimeoutMs, ...(purge ? { purge } : {}) };
    return this.#request(protocol.commit, params, this.#withSuspend(suspendTimeoutMs));
  }

  async abort(plan: string): Promise<boolean> {
    return (await this.#request(protocol.abort, { plan })).aborted;
  }

  rollback(params: protocol.RollbackParams): Promise<protocol.CommitResult> {
    return this.#request(protocol.rollback, params, this.#withSuspend(params.suspendTimeoutMs));
  }

  /** A commit may wait out the suspend timeout before it even starts migrating. */
  #withSuspend(suspendTimeoutMs: number | undefined): number {
    return (suspendTimeoutMs ?? DEFAULT_SUSPEND_TIMEOUT_MS) + this.requestTimeoutMs;
  }

  async processes(file?: string): Promise<protocol.ProcessInfo[]> {
    return (await this.#request(protocol.processes, file === undefined ? {} : { file })).processes;
  }

  getState(process: string): Promise<{ process: protocol.ProcessInfo; state: unknown }> {
    return this.#request(protocol.getState, { process });
  }

  replaceState(process: string, state: unknown): Promise<{ process: protocol.ProcessInfo }> {
    return this.#request(protocol.replaceState, { process, state });
  }

  /** sys:suspend: answered once the process's running handler has finished. */
  suspend(process: string, timeoutMs?: number): Promise<{ process: protocol.ProcessInfo }> {
    return this.#request(
      protocol.suspend,
      timeoutMs === undefined ? { process } : { process, timeoutMs },
      this.#withSuspend(timeoutMs),
    );
  }

  /** sys:resume. */
  resume(process: string): Promise<{ process: protocol.ProcessInfo }> {
    return this.#request(protocol.resume, { process });
  }

  /** sys:get_status. */
  status(process: string): Promise<protocol.ProcessStatusResult> {
    return this.#request(protocol.status, { process });
  }

  /** Every running supervisor with its children (which_children). */
  async supervisors(): Promise<protocol.SupervisorInfo[]> {
    return (await this.#request(protocol.supervisors, {})).supervisors;
  }

  /** The agent as messages name it. */
  get #name(): string {
    return `agent ${this.info.appName} (pid ${this.info.pid})`;
  }

  close(): void {
    this.connection.dispose();
    this.socket.close();
  }

  /**
   * Sends a request and waits at most `timeoutMs` for its answer: an agent that accepted the
   * connection and then went silent must not hang the CLI or a save. Past the deadline the
   * request is cancelled, which also settles it in the connection (see websocket-rpc.ts), so
   * nothing stays pending for an answer that may never come; a late answer is dropped.
   */
  async #request<P, R>(type: RequestType<P, R, unknown>, params: P, timeoutMs = this.requestTimeoutMs): Promise<R> {
    const cancellation = new CancellationTokenSource();
    let late: AgentTimeoutError | undefined;
    // Past the deadline the request is cancelled, which settles it (rejected) in the connection.
    const timer = setTimeout(() => {
      const seconds = Number((timeoutMs / 1000).toFixed(1));
      late = new AgentTimeoutError(`${this.#name} did not answer ${type.method} within ${seconds} s`);
      cancellation.cancel();
    }, timeoutMs);
    try {
      const reply = await this.connection.sendRequest(type.method, params, cancellation.token);
      const schema = resultSchemas[type.method as keyof typeof resultSchemas] as unknown as z.ZodMiniType<R>;
      return checked(schema, reply, `the reply of ${this.#name} to ${type.method}`);
    } catch (error) {
      throw late ?? toAgentError(error);
    } finally {
      clearTimeout(timer);
      cancellation.dispose();
    }
  }
}

function toAgentError(error: unknown): Error {
  if (error instanceof ResponseError) return new AgentError(error.message, error.code, error.data);
  return error instanceof Error ? error : new Error(String(error));
}
