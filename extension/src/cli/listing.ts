/** `hotpatch ls` and `hotpatch ps`: what every running agent has loaded, and its server processes. */
import { relative } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { askEach, connectAll, requestTimeoutMs, type GlobalOptions } from './agents';
import { complain, say } from './terminal';

function describeModule(root: string, m: ModuleInfo): string {
  const source = m.sources.length === 1 ? ` ← ${relative(root, m.sources[0]!)}` : '';
  const old = m.old ? `, old ${m.old.vsn} (#${m.old.seq})` : '';
  return `  ${relative(root, m.file)}${source}  [${m.format}]  current ${m.current.vsn} (#${m.current.seq}, ${m.current.origin})${old}`;
}

export function list(options: GlobalOptions): Promise<number> {
  return listAgents(
    options,
    async (c) => ({ modules: await c.modules() }),
    (a) => {
      say(`${a.appName} (pid ${a.pid}, node ${a.nodeVersion}, ${a.url}) — ${a.modules.length} hot modules`);
      for (const m of a.modules) say(describeModule(a.root, m));
    },
  );
}

export function processes(options: GlobalOptions): Promise<number> {
  return listAgents(
    options,
    async (c) => ({ processes: await c.processes() }),
    (a) => {
      say(`${a.appName} (pid ${a.pid}) — ${a.processes.length} processes`);
      for (const p of a.processes) {
        const where = p.file ? relative(a.root, p.file) : '(not hot)';
        const flags = [p.busyMs !== undefined ? `busy ${p.busyMs} ms` : '', p.runsOldCode ? 'runs old code' : '']
          .filter(Boolean)
          .join(', ');
        say(
          `  ${p.id.padEnd(16)} ${(p.name ?? '-').padEnd(16)} ${where.padEnd(24)} vsn ${(p.vsn ?? '-').padEnd(8)} ` +
            `${p.status.padEnd(9)} mailbox ${p.mailbox}${flags ? `  ${flags}` : ''}`,
        );
      }
    },
  );
}

type Client = Awaited<ReturnType<typeof connectAll>>['clients'][number];

/**
 * Asks every running agent for what `ask` returns, and prints each answer with `print` (or all
 * of them as JSON with --json); exits 1 when an agent could not be reached or asked.
 */
async function listAgents<T extends object>(
  options: GlobalOptions,
  ask: (client: Client) => Promise<T>,
  print: (agent: Client['info'] & { url: string } & T) => void,
): Promise<number> {
  const { clients, failures } = await connectAll(options.discoveryDir, requestTimeoutMs(options));
  try {
    const agents = await askEach(clients, failures, async (c) => ({ ...c.info, url: c.url, ...(await ask(c)) }));
    if (options.json) {
      process.stdout.write(JSON.stringify({ agents, failures }, null, 2) + '\n');
    } else {
      if (agents.length === 0) say(`no running agents in ${options.discoveryDir}`);
      for (const a of agents) print(a);
      for (const f of failures) complain(`failed: ${f}`);
    }
    return failures.length > 0 ? 1 : 0;
  } finally {
    for (const c of clients) c.close();
  }
}
