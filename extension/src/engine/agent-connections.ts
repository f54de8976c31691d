/**
 * What the agent pool (agent-pool.ts) keeps of each agent and of its connection, and the rules
 * it connects by: how an agent is keyed, how long it waits before retrying, which refusals a
 * retry cannot fix, and the heartbeat that tells a dead connection from a quiet one.
 */
import { AgentErrorCode, type AgentInfo, type DiscoveryRecord } from 'hotpatch-agent/protocol';
import { AgentError, AgentRefusedError, type AgentClient } from './agent-client';
import type { ModelFeed } from './model-feed';

/** An agent configured by URL and token rather than discovered. */
export interface AgentEndpoint {
  url: string;
  token: string;
}

export interface Connection {
  client: AgentClient;
  /** The initial read is done: notifications keep the model current. */
  ready: boolean;
  /** Its reads and notifications, into the model. */
  feed: ModelFeed;
  heartbeat: NodeJS.Timeout | undefined;
  /** Set when the pool itself ends the connection, as the reason it reports. */
  closeReason: string | undefined;
}

/** One agent the pool wants: where it is, its connection or the attempt making one, its retries. */
export interface Entry {
  id: string;
  url: string;
  token: string;
  record: DiscoveryRecord | undefined;
  explicit: AgentEndpoint | undefined;
  connection: Connection | undefined;
  /** The attempt under way, to abort; its number tells late results from current ones. */
  attempt: { n: number; abort: AbortController } | undefined;
  attempts: number;
  retry: NodeJS.Timeout | undefined;
  failures: number;
  removed: boolean;
}

/** The delay before retry number `failures` (1 for the first): min·2^(failures−1), capped, jittered to ½–1×. */
export function retryDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return base / 2 + (random() * base) / 2;
}

/** The key of an agent: its URL, normalized (`ws://127.0.0.1:1/` and `ws://127.0.0.1:1` are one agent). */
export function agentId(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === '/' && !parsed.search && !parsed.hash ? parsed.href.replace(/\/$/, '') : parsed.href;
  } catch {
    return url;
  }
}

/** The newest record of each agent: of two live records naming one URL, the newer is the process listening there. */
export function newestRecordPerAgent(found: readonly DiscoveryRecord[]): Map<string, DiscoveryRecord> {
  const records = new Map<string, DiscoveryRecord>();
  for (const record of found) {
    const id = agentId(record.url);
    const other = records.get(id);
    if (!other || other.startedAt < record.startedAt) records.set(id, record);
  }
  return records;
}

/** The facts of a discovery record, without its URL and token. */
export function agentInfoOf(record: DiscoveryRecord): AgentInfo {
  return {
    protocolVersion: record.protocolVersion,
    agentVersion: record.agentVersion,
    pid: record.pid,
    appName: record.appName,
    root: record.root,
    nodeVersion: record.nodeVersion,
    startedAt: record.startedAt,
  };
}

export function endpointMap(endpoints: AgentEndpoint[]): Map<string, AgentEndpoint> {
  return new Map(endpoints.map((e) => [agentId(e.url), { url: e.url, token: e.token }]));
}

/**
 * Pings the agent every `intervalMs`; a connection whose agent did not answer the last ping is
 * ended (its close is reported as that silence). An app paused in a debugger (`paused`) answers
 * no ping, and that silence does not count.
 */
export function startHeartbeat(connection: Connection, intervalMs: number, paused: (pid: number) => boolean): void {
  if (intervalMs <= 0) return;
  const socket = connection.client.socket;
  let answered = true;
  socket.on('pong', () => (answered = true));
  connection.heartbeat = setInterval(() => {
    if (socket.readyState !== socket.OPEN) return;
    if (paused(connection.client.info.pid)) {
      // The ping sent before the pause is answered on resume; until then, none counts.
      answered = true;
      return;
    }
    if (!answered) {
      connection.closeReason = `the agent did not answer a ping within ${intervalMs} ms`;
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, intervalMs);
}

export function closeConnection(connection: Connection): void {
  clearInterval(connection.heartbeat);
  connection.heartbeat = undefined;
  dropClient(connection.client);
}

/** Closes a client at once: close() waits for the agent's close frame (up to 30 s in ws), and nothing is left to say. */
export function dropClient(client: AgentClient): void {
  client.close();
  client.socket.terminate();
}

/** Refusals that the same request would get again: only a change of record or settings helps. */
export function retryable(error: unknown): boolean {
  if (error instanceof AgentRefusedError) return error.status !== 401 && error.status !== 403;
  if (error instanceof AgentError) return error.code !== AgentErrorCode.ProtocolMismatch;
  return !(error instanceof SyntaxError); // an invalid URL
}
