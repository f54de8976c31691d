/**
 * `hotpatch`: the terminal front end of the engine.
 *   hotpatch ls [--json]         the running agents, their hot modules and versions
 *   hotpatch ps [--json]         the running agents' server processes
 *   hotpatch watch [DIR]         hot-load every file saved under DIR, checking state types
 *   hotpatch load FILE... [--json] [--restart]  compile, then upgrade every agent that runs one
 *                                of the FILEs in one transaction, all files one release (prepare
 *                                everywhere, commit only if all prepared; see load.ts); offer
 *                                a restart for what could not apply in place
 *   hotpatch restart [PID...]    restart running apps with the same command line
 */
import { watch as chokidarWatch } from 'chokidar';
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { type AgentClient, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/agent-client';
import { defaultDiscoveryDir } from '../engine/discovery';
import { SavePipeline } from '../engine/save-pipeline';
import { askEach, connectAll, requestTimeoutMs, type GlobalOptions } from './agents';
import { describeSave } from './describe-save';
import { load } from './load';
import { restartOne } from './restart';
import { complain, say } from './terminal';

function describeModule(root: string, m: ModuleInfo): string {
  const source = m.sources.length === 1 ? ` ← ${relative(root, m.sources[0]!)}` : '';
  const old = m.old ? `, old ${m.old.vsn} (#${m.old.seq})` : '';
  return `  ${relative(root, m.file)}${source}  [${m.format}]  current ${m.current.vsn} (#${m.current.seq}, ${m.current.origin})${old}`;
}

async function list(options: GlobalOptions): Promise<number> {
  const { clients, failures } = await connectAll(options.discoveryDir, requestTimeoutMs(options));
  try {
    const agents = await askEach(clients, failures, async (c) => ({
      ...c.info,
      url: c.url,
      modules: await c.modules(),
    }));
    if (options.json) {
      process.stdout.write(JSON.stringify({ agents, failures }, null, 2) + '\n');
    } else {
      if (agents.length === 0) say(`no running agents in ${options.discoveryDir}`);
      for (const a of agents) {
        say(`${a.appName} (pid ${a.pid}, node ${a.nodeVersion}, ${a.url}) — ${a.modules.length} hot modules`);
        for (const m of a.modules) say(describeModule(a.root, m));
      }
      for (const f of failures) complain(`failed: ${f}`);
    }
    return failures.length > 0 ? 1 : 0;
  } finally {
    for (const c of clients) c.close();
  }
}

async function processes(options: GlobalOptions): Promise<number> {
  const { clients, failures } = await connectAll(options.discoveryDir, requestTimeoutMs(options));
  try {
    const agents = await askEach(clients, failures, async (c) => ({
      ...c.info,
      url: c.url,
      processes: await c.processes(),
    }));
    if (options.json) {
      process.stdout.write(JSON.stringify({ agents, failures }, null, 2) + '\n');
    } else {
      if (agents.length === 0) say(`no running agents in ${options.discoveryDir}`);
      for (const a of agents) {
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
      }
      for (const f of failures) complain(`failed: ${f}`);
    }
    return failures.length > 0 ? 1 : 0;
  } finally {
    for (const c of clients) c.close();
  }
}

async function restartApps(pids: string[], options: GlobalOptions): Promise<number> {
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

/** What `watch` loads: the JavaScript and TypeScript files a hot module can be. */
const SOURCE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx']);

/** Hot-loads every JS/TS file saved under `dir` until interrupted. */
async function watchDir(dir: string, options: GlobalOptions & { debounce: string }): Promise<number> {
  const root = resolve(dir);
  const debounceMs = Number(options.debounce);
  // Loaded here, not with the CLI: it brings TypeScript (≈0.5 s), which `ls` and `load` do not need.
  const { createStateTypes } = await import('../engine/state-types-adapter.js');
  const pipeline = new SavePipeline({
    clients: () => connected,
    stateTypes: createStateTypes(),
  });
  let connected: AgentClient[] = [];
  const refresh = async (): Promise<void> => {
    for (const c of connected) c.close();
    ({ clients: connected } = await connectAll(options.discoveryDir, requestTimeoutMs(options)));
  };
  const pending = new Map<string, NodeJS.Timeout>();
  /** Each file's text as last read: a type file's previous types, at its next save. */
  const lastTexts = new Map<string, string>();
  const queue: string[] = [];
  let busy = false;
  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0) {
      const file = queue.shift()!;
      try {
        await refresh();
        const text = await readFile(file, 'utf8');
        const outcome = await pipeline.onSave(file, text, 'cli', { previousText: lastTexts.get(file) });
        lastTexts.set(file, text);
        say(describeSave(outcome, root));
      } catch (error) {
        complain(`✗ ${relative(root, file)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    busy = false;
  };
  // chokidar rather than a recursive fs.watch, which on Linux walks the whole tree up front and
  // blocked the loop for 1–2 s on this repository; node_modules and dot-folders are never entered.
  const watcher = chokidarWatch(root, {
    ignoreInitial: true,
    ignored: (path, stats) =>
      relative(root, path)
        .split(sep)
        .some((part) => part === 'node_modules' || (part.startsWith('.') && part !== '.')) ||
      (stats?.isFile() === true && !SOURCE_EXTENSIONS.has(extname(path))),
  });
  const onFile = (file: string): void => {
    if (!SOURCE_EXTENSIONS.has(extname(file))) return;
    clearTimeout(pending.get(file));
    pending.set(
      file,
      setTimeout(() => {
        pending.delete(file);
        if (!queue.includes(file)) queue.push(file);
        void drain();
      }, debounceMs),
    );
  };
  watcher.on('add', onFile).on('change', onFile);
  await new Promise<void>((ready) => watcher.once('ready', ready));
  say(`watching ${root} (Ctrl+C stops)`);
  await new Promise<void>((done) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => done());
  });
  await watcher.close();
  for (const c of connected) c.close();
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('hotpatch')
    .description('Hot code loading for running Node.js apps')
    .addOption(
      new Option('--discovery-dir <dir>', 'where running agents announce themselves').default(defaultDiscoveryDir()),
    )
    .addOption(
      new Option(
        '--request-timeout <ms>',
        'how long an agent may take to answer (a commit also gets its suspend timeout on top)',
      ).default(String(DEFAULT_REQUEST_TIMEOUT_MS)),
    )
    .showHelpAfterError();
  program
    .command('ls')
    .description('list running agents with their hot modules and versions')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      exitCode = await list({ ...program.opts<GlobalOptions>(), ...options });
    });
  program
    .command('ps')
    .description('list the server processes of every running agent')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      exitCode = await processes({ ...program.opts<GlobalOptions>(), ...options });
    });
  program
    .command('watch')
    .description('hot-load every JS/TS file saved under DIR (default: the current folder), with state-type checks')
    .argument('[dir]', 'folder to watch', '.')
    .option('--debounce <ms>', 'wait this long after a save before loading', '50')
    .action(async (dir: string, options: { debounce: string }) => {
      exitCode = await watchDir(dir, { ...program.opts<GlobalOptions>(), ...options });
    });
  program
    .command('load')
    .description('compile FILEs with esbuild and upgrade every agent that runs them: all or none')
    .argument('<files...>')
    .option('--json', 'machine-readable output')
    .option('--restart', 'restart the apps where something could not apply in place, without asking')
    .action(async (files: string[], options: { json?: boolean; restart?: boolean }) => {
      exitCode = await load(files, { ...program.opts<GlobalOptions>(), ...options });
    });
  program
    .command('restart')
    .description('restart running apps (all, or those with the given pids) with the same command line')
    .argument('[pids...]')
    .action(async (pids: string[]) => {
      exitCode = await restartApps(pids, program.opts<GlobalOptions>());
    });
  await program.parseAsync(argv);
  return exitCode;
}
