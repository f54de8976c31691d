/** Connecting the CLI to the running agents, and the options every command shares. */
import { AgentClient } from '../engine/agent-client';
import { readDiscoveryDir } from '../engine/discovery';
import { complain } from './terminal';
import { errorMessage } from '../shared/error-message';

export interface GlobalOptions {
  discoveryDir: string;
  requestTimeout: string;
  json?: boolean;
  restart?: boolean;
}

/** Connects to every discovered agent; agents that refuse or vanished are reported, not fatal. */
export async function connectAll(
  dir: string,
  requestTimeoutMs: number,
): Promise<{ clients: AgentClient[]; failures: string[] }> {
  const records = readDiscoveryDir(dir, (message) => complain(`hotpatch: ${message}`));
  const settled = await Promise.allSettled(
    records.map((r) => AgentClient.connect(r.url, r.token, { requestTimeoutMs })),
  );
  const clients: AgentClient[] = [];
  const failures: string[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') clients.push(s.value);
    else failures.push(`pid ${records[i]!.pid} (${records[i]!.appName}): ${(s.reason as Error).message}`);
  });
  return { clients, failures };
}

/** Each agent's answer; one that fails (or does not answer in time) is a failure, not the end of the listing. */
export async function askEach<T>(
  clients: AgentClient[],
  failures: string[],
  ask: (c: AgentClient) => Promise<T>,
): Promise<T[]> {
  const settled = await Promise.allSettled(clients.map(ask));
  return settled.flatMap((s, i) => {
    if (s.status === 'fulfilled') return [s.value];
    const { pid, appName } = clients[i]!.info;
    failures.push(`pid ${pid} (${appName}): ${errorMessage(s.reason)}`);
    return [];
  });
}

export function requestTimeoutMs(options: GlobalOptions): number {
  const ms = Number(options.requestTimeout);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`--request-timeout must be a positive number of ms, not ${options.requestTimeout}`);
  return ms;
}
