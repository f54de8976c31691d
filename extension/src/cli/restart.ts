/**
 * The CLI's side of "needs a restart": after a load whose report says something could not
 * apply in place, offer to restart the apps concerned (as .NET Hot Reload does for rude
 * edits): asked on a terminal, done at once with `--restart`, said as a hint otherwise.
 * `hotpatch restart [PID...]` restarts running apps directly.
 */
import { createInterface } from 'node:readline/promises';
import type { AgentClient } from '../engine/agent-client';
import { connectAll, requestTimeoutMs, type GlobalOptions } from './agents';
import { complain, printable, say } from './terminal';

/** `hotpatch restart [PID...]`: every running app, or those with the given pids. */
export async function restartApps(pids: string[], options: GlobalOptions): Promise<number> {
  const { clients, failures } = await connectAll(options.discoveryDir, requestTimeoutMs(options));
  try {
    const chosen = pids.length === 0 ? clients : clients.filter((c) => pids.includes(String(c.info.pid)));
    if (chosen.length === 0) complain(`no running agent${pids.length ? ` with pid ${pids.join(', ')}` : ''}`);
    for (const client of chosen) await restartOne(client);
    return chosen.length === 0 || failures.length > 0 ? 1 : 0;
  } finally {
    for (const c of clients) c.close();
  }
}

export async function offerRestart(clients: AgentClient[], always: boolean): Promise<void> {
  for (const client of clients) {
    const app = `${client.info.appName} (pid ${client.info.pid})`;
    let restart = always;
    if (!restart && process.stdin.isTTY && process.stdout.isTTY) {
      const prompt = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await prompt.question(printable(`Restart ${app} to apply what could not apply in place? [y/N] `));
      prompt.close();
      restart = /^y(es)?$/i.test(answer.trim());
    }
    if (!restart) {
      say(`  to apply it: hotpatch restart ${client.info.pid} (or hotpatch load --restart)`);
      continue;
    }
    await restartOne(client);
  }
}

export async function restartOne(client: AgentClient): Promise<void> {
  const { pid } = await client.restart();
  say(`↻ ${client.info.appName} (pid ${client.info.pid}) restarted as pid ${pid}`);
}
