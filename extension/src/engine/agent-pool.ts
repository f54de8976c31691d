/**
 * Live connections to every agent the editor should know about: those announcing themselves in
 * the discovery folder (discovery-watcher.ts) and those configured explicitly ({ url, token }).
 *
 * Each agent gets one connection. When it drops while the agent is still wanted (its discovery
 * file is still there and its pid alive, or its explicit entry still configured), the pool
 * reconnects with exponential backoff and jitter; when the discovery file goes, the agent goes.
 * A refusal that retrying cannot fix (wrong token, Host/Origin refused, another protocol
 * version) leaves the agent `disconnected` until its record or settings change or
 * `reconnect()` is called. What the connections report is kept in a LiveModel.
 */
import { EventEmitter } from 'node:events';
import type { DiscoveryRecord } from 'hotpatch-agent/protocol';
import { AgentClient } from './agent-client';
import {
  agentInfoOf,
  closeConnection,
  dropClient,
  endpointMap,
  newestRecordPerAgent,
  retryable,
  retryDelay,
  startHeartbeat,
  type AgentEndpoint,
  type Connection,
  type Entry,
} from './agent-connections';
import { errorMessage } from '../shared/error-message';
import { defaultDiscoveryDir } from './discovery';
import { DiscoveryWatcher } from './discovery-watcher';
import { LiveModel, type AgentFacts, type AgentSnapshot } from './live-model';
import { ModelFeed } from './model-feed';
import type { AgentPoolEvents, AgentPoolOptions } from './agent-pool-options';

export { retryDelay, type AgentEndpoint };
export type { AgentPoolEvents, AgentPoolOptions };

export class AgentPool extends EventEmitter<AgentPoolEvents> {
  readonly #model: LiveModel;
  readonly #entries = new Map<string, Entry>();
  /** Discovered records by agent id, as of the last scan. */
  #records = new Map<string, DiscoveryRecord>();
  #explicit = new Map<string, AgentEndpoint>();
  /** The discovery folder's watcher; none when no folder is watched. */
  readonly #discovery: DiscoveryWatcher | undefined;
  readonly #minRetryMs: number;
  readonly #maxRetryMs: number;
  readonly #connectTimeoutMs: number;
  readonly #requestTimeoutMs: number | undefined;
  readonly #heartbeatMs: number;
  readonly #log: (message: string) => void;
  /** Pids of apps paused in a debugger (setDebuggerPaused). */
  readonly #debuggerPaused = new Set<number>();
  #started = false;
  #disposed = false;

  constructor(options: AgentPoolOptions = {}) {
    super();
    const dir = options.discoveryDir === undefined ? defaultDiscoveryDir() : options.discoveryDir;
    this.#log = options.log ?? (() => {});
    this.#minRetryMs = options.minRetryMs ?? 100;
    this.#maxRetryMs = Math.max(this.#minRetryMs, options.maxRetryMs ?? 5000);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#discovery =
      dir === null
        ? undefined
        : new DiscoveryWatcher(dir, {
            pollMs: options.pollMs ?? 2000,
            log: this.#log,
            onRecords: (records) => this.#discovered(records),
          });
    this.#explicit = endpointMap(options.explicitAgents ?? []);
    this.#model = new LiveModel(options.maxModulesPerAgent);
  }

  /** The folder watched, or null. */
  get discoveryDir(): string | null {
    return this.#discovery?.dir ?? null;
  }

  /**
   * Scans the discovery folder, starts watching it and connects to every agent found or
   * configured. `agentAdded` events for those already there are emitted before this returns.
   */
  start(): this {
    if (this.#started || this.#disposed) return this;
    this.#started = true;
    if (this.#discovery) this.#discovery.start();
    else this.#reconcile();
    return this;
  }

  /** Replaces the explicitly configured agents (e.g. when settings change). */
  setExplicitAgents(endpoints: AgentEndpoint[]): void {
    if (this.#disposed) return;
    this.#explicit = endpointMap(endpoints);
    if (this.#started) this.#reconcile();
  }

  /** Every agent with its modules and processes: sorted, frozen, shared until the next change. */
  agents(): readonly AgentSnapshot[] {
    return this.#model.agents();
  }

  agent(id: string): AgentSnapshot | undefined {
    return this.#model.agent(id);
  }

  /** The client of a connected agent (initial read done), for requests. */
  client(id: string): AgentClient | undefined {
    const connection = this.#entries.get(id)?.connection;
    return connection?.ready ? connection.client : undefined;
  }

  /** The clients of every connected agent, in the order of `agents()`: the participants of a transaction. */
  connectedClients(): AgentClient[] {
    return this.agents().flatMap((agent) => {
      const client = this.client(agent.id);
      return client ? [client] : [];
    });
  }

  /**
   * A debugger paused (or resumed) the app with `pid`: while paused it answers no ping, and
   * that silence is not a dead connection.
   */
  setDebuggerPaused(pid: number, paused: boolean): void {
    if (paused) this.#debuggerPaused.add(pid);
    else this.#debuggerPaused.delete(pid);
  }

  /** Agents making their first connection (an app that just started), not yet ready for requests. */
  connecting(): string[] {
    return this.agents()
      .filter((a) => (a.state === 'connecting' || a.state === 'connected') && !this.client(a.id))
      .map((a) => a.id);
  }

  /**
   * Resolves once no agent is making its first connection (each has connected and been read, or
   * failed), or after `ms`, with the agents still connecting then.
   */
  async whenConnected(ms: number): Promise<string[]> {
    if (this.connecting().length === 0) return [];
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.off('changed', check);
        resolve(this.connecting());
      };
      const check = () => {
        if (this.connecting().length === 0) finish();
      };
      const timer = setTimeout(finish, ms);
      this.on('changed', check);
    });
  }

  /**
   * Retries an agent now (resetting its backoff), e.g. after a refusal the user fixed, or one
   * waiting for its next retry. Does nothing for a connected agent or one being connected.
   */
  reconnect(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry || entry.removed || entry.connection || entry.attempt) return;
    clearTimeout(entry.retry);
    entry.retry = undefined;
    entry.failures = 0;
    void this.#connect(entry);
  }

  /**
   * Reads modules and processes again from every connected agent (or one): mailbox sizes and
   * busy times are only as fresh as the last read.
   */
  async refresh(id?: string): Promise<void> {
    const entries = [...this.#entries.values()].filter((entry) => id === undefined || entry.id === id);
    await Promise.all(
      entries.map(async (entry) => {
        const connection = entry.connection;
        if (connection?.ready) await connection.feed.readAll().catch(() => {});
      }),
    );
  }

  /** Closes every connection, watcher and timer; the pool emits nothing more. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#discovery?.stop();
    for (const entry of this.#entries.values()) this.#stop(entry);
    this.#entries.clear();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  // --- discovery -------------------------------------------------------------------------

  /** A scan's live records: the agents are reconciled with them. */
  #discovered(found: readonly DiscoveryRecord[]): void {
    if (this.#disposed) return;
    this.#records = newestRecordPerAgent(found);
    this.#reconcile();
  }

  /** Makes the entries match the discovered records and explicit endpoints. */
  #reconcile(): void {
    if (this.#disposed) return;
    const wanted = new Set([...this.#records.keys(), ...this.#explicit.keys()]);
    for (const entry of [...this.#entries.values()]) {
      if (!wanted.has(entry.id)) this.#remove(entry, 'the agent is gone');
    }
    for (const id of [...wanted].sort()) {
      const record = this.#records.get(id);
      const explicit = this.#explicit.get(id);
      const endpoint = record ?? explicit!;
      let entry = this.#entries.get(id);
      // Another process behind the same URL (a new pid or token) is another agent.
      if (entry && (entry.token !== endpoint.token || (record && entry.record && record.pid !== entry.record.pid))) {
        this.#remove(entry, 'replaced by another agent at the same URL');
        entry = undefined;
      }
      if (!entry) {
        this.#add(id, endpoint, record, explicit);
        continue;
      }
      entry.record = record;
      entry.explicit = explicit;
      this.#update(entry, { discovered: record !== undefined, explicit: explicit !== undefined });
    }
  }

  /** Whether the agent is still wanted, after a fresh look at its discovery file when it has one. */
  #stillWanted(entry: Entry): boolean {
    if (entry.record) this.#discovery?.scan();
    return !entry.removed && !this.#disposed;
  }

  // --- entries ---------------------------------------------------------------------------

  #add(id: string, endpoint: AgentEndpoint, record: DiscoveryRecord | undefined, explicit: AgentEndpoint | undefined) {
    const entry: Entry = {
      id,
      url: endpoint.url,
      token: endpoint.token,
      record,
      explicit,
      connection: undefined,
      attempt: undefined,
      attempts: 0,
      retry: undefined,
      failures: 0,
      removed: false,
    };
    this.#entries.set(id, entry);
    this.#model.add(id, endpoint.url, {
      discovered: record !== undefined,
      explicit: explicit !== undefined,
      info: record && agentInfoOf(record),
    });
    this.emit('agentAdded', this.#model.agent(id)!);
    this.emit('changed', id);
    void this.#connect(entry);
  }

  #remove(entry: Entry, reason: string): void {
    const wasConnected = entry.connection?.ready === true;
    this.#stop(entry);
    this.#entries.delete(entry.id);
    this.#model.update(entry.id, { state: 'disconnected', connectedAt: undefined });
    const snapshot = this.#model.agent(entry.id)!;
    this.#model.remove(entry.id);
    if (wasConnected) this.emit('agentDisconnected', snapshot, reason);
    this.emit('agentRemoved', snapshot);
    this.emit('changed', entry.id);
  }

  /** Ends everything the entry has running: attempt, retry timer, connection. */
  #stop(entry: Entry): void {
    entry.removed = true;
    entry.attempt?.abort.abort();
    entry.attempt = undefined;
    clearTimeout(entry.retry);
    entry.retry = undefined;
    const connection = entry.connection;
    entry.connection = undefined;
    if (connection) closeConnection(connection);
  }

  #update(entry: Entry, facts: AgentFacts): void {
    if (this.#model.update(entry.id, facts)) this.emit('changed', entry.id);
  }

  // --- connections -----------------------------------------------------------------------

  async #connect(entry: Entry): Promise<void> {
    if (entry.removed || this.#disposed) return;
    const attempt = { n: ++entry.attempts, abort: new AbortController() };
    entry.attempt = attempt;
    const current = (): boolean => !entry.removed && !this.#disposed && entry.attempt === attempt;
    this.#update(entry, { state: entry.attempts === 1 ? 'connecting' : 'reconnecting' });
    let client: AgentClient;
    try {
      client = await AgentClient.connect(entry.url, entry.token, {
        timeoutMs: this.#connectTimeoutMs,
        signal: attempt.abort.signal,
        requestTimeoutMs: this.#requestTimeoutMs,
      });
    } catch (error) {
      if (!current()) return;
      entry.attempt = undefined;
      this.#failed(entry, error);
      return;
    }
    if (!current()) {
      dropClient(client);
      return;
    }
    entry.attempt = undefined;
    if (entry.record && client.info.pid !== entry.record.pid) {
      dropClient(client);
      this.#failed(
        entry,
        new Error(`expected the agent of pid ${entry.record.pid} at ${entry.url}, found pid ${client.info.pid}`),
      );
      return;
    }

    const live = (): boolean => entry.connection === connection;
    const connection: Connection = {
      client,
      ready: false,
      feed: new ModelFeed({
        model: this.#model,
        agentId: entry.id,
        client,
        live,
        changed: () => this.emit('changed', entry.id),
        log: this.#log,
      }),
      heartbeat: undefined,
      closeReason: undefined,
    };
    entry.connection = connection;
    let socketError: string | undefined;
    client.socket.on('error', (error) => (socketError ??= error.message));
    client.socket.once('close', (code, reason) => {
      const text = reason.toString();
      this.#closed(
        entry,
        connection,
        connection.closeReason ?? socketError ?? `connection closed (code ${code}${text ? `: ${text}` : ''})`,
      );
    });
    if (client.socket.readyState !== client.socket.OPEN) {
      this.#closed(entry, connection, 'connection closed during the handshake');
      return;
    }
    startHeartbeat(connection, this.#heartbeatMs, (pid) => this.#debuggerPaused.has(pid));
    this.#update(entry, { info: client.info });

    try {
      await connection.feed.readAll();
    } catch (error) {
      if (!live()) return; // the connection closed meanwhile: #closed took care of it
      connection.closeReason = `reading modules and processes failed: ${errorMessage(error)}`;
      client.socket.terminate(); // → #closed → retry
      return;
    }
    if (!live()) return;
    connection.ready = true;
    entry.failures = 0;
    this.#update(entry, {
      state: 'connected',
      lastError: undefined,
      failures: 0,
      connectedAt: new Date().toISOString(),
    });
    this.emit('agentConnected', this.#model.agent(entry.id)!, client);
  }

  #closed(entry: Entry, connection: Connection, reason: string): void {
    if (entry.connection !== connection) return;
    entry.connection = undefined;
    closeConnection(connection);
    if (this.#disposed || entry.removed) return;
    if (connection.ready) {
      this.#update(entry, { connectedAt: undefined, lastError: reason });
      this.emit('agentDisconnected', this.#model.agent(entry.id)!, reason);
    }
    this.#failed(entry, new Error(reason));
  }

  /** After a failed attempt or a dropped connection: retry later, unless the agent is gone or retrying cannot help. */
  #failed(entry: Entry, error: unknown): void {
    entry.failures++;
    const lastError = errorMessage(error);
    if (!retryable(error)) {
      this.#update(entry, { state: 'disconnected', lastError, failures: entry.failures, connectedAt: undefined });
      return;
    }
    // The app may have exited: its discovery file is gone, or its pid is dead.
    if (!this.#stillWanted(entry)) return;
    this.#update(entry, { state: 'reconnecting', lastError, failures: entry.failures, connectedAt: undefined });
    const delay = retryDelay(entry.failures, this.#minRetryMs, this.#maxRetryMs);
    entry.retry = setTimeout(() => {
      entry.retry = undefined;
      if (this.#stillWanted(entry)) void this.#connect(entry);
    }, delay);
  }
}
