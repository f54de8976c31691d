/** What an agent pool (agent-pool.ts) is made with, and the events it emits. */
import type { AgentClient } from './agent-client';
import type { AgentEndpoint } from './agent-connections';
import type { AgentSnapshot } from './live-model';

export interface AgentPoolOptions {
  /** The discovery folder to watch (default: `defaultDiscoveryDir()`); `null` watches none. */
  discoveryDir?: string | null;
  /** Agents configured explicitly; change them later with `setExplicitAgents`. */
  explicitAgents?: AgentEndpoint[];
  /** First retry delay; doubled per consecutive failure up to `maxRetryMs`, each jittered to ½–1×. Default 100. */
  minRetryMs?: number;
  /** Default 5000. */
  maxRetryMs?: number;
  /** How long a connection attempt (upgrade and handshake) may take. Default 5000. */
  connectTimeoutMs?: number;
  /** How long an agent may take to answer a request (AgentClient's `requestTimeoutMs`). Default 10000. */
  requestTimeoutMs?: number;
  /** A connection whose agent does not answer a WebSocket ping within this long is dropped. Default 15000; 0: never. */
  heartbeatMs?: number;
  /** How often the discovery folder is rescanned besides watch events. Default 2000. */
  pollMs?: number;
  /** Told once about each discovery folder or record refused (see discovery.ts), for the user's log. */
  log?: (message: string) => void;
  /** Modules kept per agent (see live-model.ts). Default 10,000. */
  maxModulesPerAgent?: number;
}

export interface AgentPoolEvents {
  /** A new agent: found in the discovery folder or configured. Its first connection attempt follows. */
  agentAdded: [agent: AgentSnapshot];
  /** The agent's discovery file went away (or its pid died), or its explicit entry was removed. */
  agentRemoved: [agent: AgentSnapshot];
  /** Connected, handshake done, modules and processes read. */
  agentConnected: [agent: AgentSnapshot, client: AgentClient];
  /** A connection that had been `connected` ended; a reconnection follows unless the agent is gone. */
  agentDisconnected: [agent: AgentSnapshot, reason: string];
  /** The model of that agent changed (facts, connection state, modules or processes), or it was added or removed. */
  changed: [agentId: string];
}
