/**
 * `hotpatch`: the terminal front end of the engine.
 *   hotpatch ls [--json]         the running agents, their hot modules and versions
 *   hotpatch ps [--json]         the running agents' server processes
 *   hotpatch watch [DIR]         hot-load every file saved under DIR, checking state types
 *   hotpatch load FILE... [--json] [--restart]  compile, then upgrade every agent that runs FILE
 *                                in one transaction (prepare everywhere, commit only if all
 *                                prepared); offer a restart for what could not apply in place
 *   hotpatch restart [PID...]    restart running apps with the same command line
 */
import { watch as chokidarWatch } from 'chokidar';
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { extname, relative, resolve, sep } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import { AgentClient, DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/agent-client';
import { defaultDiscoveryDir, readDiscoveryDir } from '../engine/discovery';
import { describeOutcome } from '../engine/describe';
import { NoAgentRunsFileError } from '../engine/hot-load';
import { SavePipeline, describeStateChange, type SaveOutcome } from '../engine/save-pipeline';
import { needingRestart } from '../engine/needs-restart';
import { offerRestart, restartOne } from './restart';
import { complain, say } from './terminal';

interface GlobalOptions {
  discoveryDir: string;
  requestTimeout: string;
  json?: boolean;
  restart?: boolean;
}

/** Connects to every discovered agent; agents that refuse or vanished are reported, not fatal. */
async function connectAll(
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
async function askEach<T>(
  clients: AgentClient[],
  failures: string[],
  ask: (c: AgentClient) => Promise<T>,
): Promise<T[]> {
  const settled = await Promise.allSettled(clients.map(ask));
  return settled.flatMap((s, i) => {
    if (s.status === 'fulfilled') return [s.value];
    const { pid, appName } = clients[i]!.info;
    failures.push(`pid ${pid} (${appName}): ${s.reason instanceof Error ? s.reason.message : String(s.reason)}`);
    return [];
  });
}

function requestTimeoutMs(options: GlobalOptions): number {
  const ms = Number(options.requestTimeout);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`--request-timeout must be a positive number of ms, not ${options.requestTimeout}`);
  return ms;
}

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

async function load(files: string[], options: GlobalOptions): Promise<number> {
  const { clients, failures } = await connectAll(options.discoveryDir, requestTimeoutMs(options));
  let failed = failures.length > 0;
  const report: unknown[] = [];
  const restarts = new Set<AgentClient>();
  try {
    for (const f of failures) complain(`could not connect: ${f}`);
    // A load checks state types as a save in the editor does (a changed one without a
    // codeChange loads nothing); only TypeScript has them to read, so only it brings TypeScript.
    const stateTypes = files.some((f) => TYPESCRIPT_EXTENSIONS.has(extname(f)))
      ? (await import('../engine/state-types-adapter.js')).createStateTypes()
      : undefined;
    const pipeline = new SavePipeline({ clients: () => clients, stateTypes });
    const texts = new Map(
      await Promise.all(
        files.map(async (file) => [file, await readFile(resolve(file), 'utf8').catch((e: Error) => e)] as const),
      ),
    );
    // Files of types only go first: one whose running importers cannot be compared holds them back.
    const typesOnly = (file: string): boolean => {
      const text = texts.get(file);
      return typeof text === 'string' && stateTypes?.isTypeOnly?.(resolve(file), text) === true;
    };
    const ordered = [...files].sort((a, b) => Number(typesOnly(b)) - Number(typesOnly(a)));
    const heldBack = new Map<string, string>();
    for (const file of ordered) {
      try {
        const absolute = resolve(file);
        const text = texts.get(file);
        if (typeof text !== 'string') {
          throw new Error(`cannot read ${absolute}: ${(text as NodeJS.ErrnoException).code ?? text?.message}`);
        }
        const typeFile = heldBack.get(absolute);
        if (typeFile) throw new Error(`${file}: not loaded: ${uncomparedReason(typeFile)}`);
        const saved = await pipeline.onSave(absolute, text, 'cli');
        if (saved.kind === 'notRunning') throw new NoAgentRunsFileError(absolute, clients.length);
        if (saved.kind === 'syntaxError') throw saved.error;
        if (saved.kind === 'typesOnly' && saved.uncompared.length > 0) {
          for (const dependent of saved.uncompared) heldBack.set(dependent, file);
          throw new Error(
            `${file}: ${uncomparedReason(file)}; the modules importing it (${saved.uncompared.map((f) => relative(process.cwd(), f)).join(', ')}) are not loaded in this run`,
          );
        }
        if (saved.kind !== 'loaded' && saved.kind !== 'failed') {
          const refused = saved.kind === 'migrationNeeded';
          failed ||= refused;
          const message = describeSave(saved, process.cwd());
          if (options.json) report.push({ file, ok: !refused, ...(refused ? { error: message } : { note: message }) });
          else (refused ? complain : say)(message);
          continue;
        }
        const outcomes = saved.outcomes;
        failed ||= outcomes.some((o) => o.error);
        for (const { client } of needingRestart(outcomes)) restarts.add(client);
        if (options.json) {
          report.push(
            ...outcomes.map((o) => ({
              file,
              pid: o.client.info.pid,
              appName: o.client.info.appName,
              module: o.module.file,
              ok: !o.error,
              error: o.error,
              version: o.result?.modules[0]?.current,
              planId: o.planId,
              plan: o.plan,
              processes: o.result?.processes,
              warnings: o.result?.warnings ?? [],
              reports: o.result?.reports ?? [],
              timings: { ...o.timings, ...o.result?.timings },
            })),
          );
        } else {
          for (const o of outcomes) (o.error ? complain : say)(describeOutcome(o));
        }
      } catch (error) {
        failed = true;
        const message = error instanceof Error ? error.message : String(error);
        if (options.json) report.push({ file, ok: false, error: message });
        else complain(`✗ ${message}`);
      }
    }
    if (options.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else await offerRestart([...restarts], options.restart === true);
    return failed ? 1 : 0;
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

function describeSave(outcome: SaveOutcome, root: string): string {
  const file = relative(root, outcome.file);
  switch (outcome.kind) {
    case 'loaded':
    case 'failed':
      return [
        `${outcome.kind === 'loaded' ? '✓' : '✗'} ${file} in ${outcome.ms.toFixed(1)} ms`,
        ...outcome.outcomes.map((o) => '  ' + describeOutcome(o).split('\n').join('\n  ')),
      ].join('\n');
    case 'notRunning':
      return `· ${file}: no running app has loaded it`;
    case 'unchanged':
      return `· ${file}: unchanged, every app already runs this code`;
    case 'syntaxError':
      return `✗ ${file}: not loaded, syntax error: ${outcome.error.message}`;
    case 'typesOnly':
      return `· ${file}: types only, nothing to load; the state types of the ${outcome.dependents} running module(s) importing it are unchanged`;
    case 'migrationNeeded':
      return [
        `✗ ${file}: not loaded — a state type changed and the new code has no codeChange:`,
        ...outcome.changes.map((c) => `  ${relative(root, c.file)}: ${describeStateChange(c)}`),
        '  add a codeChange(from, state, extra) to the server that converts the running state (a static codeChange to a class, an exported codeChange to a module for its variables), then save again',
      ].join('\n');
  }
}

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.cts', '.mts', '.tsx']);

/** Why a type file's change cannot be checked by `load`, and what can check it. */
function uncomparedReason(typeFile: string): string {
  return (
    `${typeFile} holds types only, and the running app was built with an earlier text of it that \`hotpatch load\` ` +
    'has not seen, so it cannot tell whether the state types of the modules importing it changed; save it under ' +
    '`hotpatch watch` or in the editor, which keep its previous text, or restart the app'
  );
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
