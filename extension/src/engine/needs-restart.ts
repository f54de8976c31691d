/** Which apps a load left needing a restart: what could not apply in place applies when they start again. */
import type { AgentClient } from './agent-client';
import type { LoadOutcome } from './hot-load';

export interface RestartNeed {
  client: AgentClient;
  /** What could not apply in place, with the reasons the agent gave. */
  reasons: string[];
}

export function needingRestart(outcomes: LoadOutcome[]): RestartNeed[] {
  const needs = new Map<AgentClient, string[]>();
  for (const o of outcomes) {
    if (o.error) continue;
    const reasons = [...(o.result?.reports ?? []).flatMap((r) => r.notApplied), ...(o.importsNotRunning ?? [])];
    if (reasons.length > 0) needs.set(o.client, [...(needs.get(o.client) ?? []), ...reasons]);
  }
  return [...needs].map(([client, reasons]) => ({ client, reasons }));
}
