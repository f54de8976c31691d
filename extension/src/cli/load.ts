/**
 * `hotpatch load FILE...`: the files of one run are one release, as in the editor's Save All
 * and as Erlang's release upgrades: every app that runs one of them prepares its part, and
 * all commit or none does. A file that cannot load (unreadable, a syntax error, a state type
 * changed without a codeChange, an importer of a type file that cannot be compared) refuses
 * the whole release, and each file says why it did not load.
 */
import { readFile } from 'node:fs/promises';
import { extname, relative, resolve } from 'node:path';
import type { AgentClient } from '../engine/agent-client';
import { AS_IS_EXTENSIONS, warmCompiler } from '../engine/compile';
import { describeOutcome } from '../engine/describe';
import type { LoadOutcome } from '../engine/hot-load';
import { NoAgentRunsFileError } from '../engine/hot-load';
import { bundledSourceMessage } from '../engine/targets';
import { foreignBuildMessage } from '../engine/running-compilers';
import { needingRestart } from '../engine/needs-restart';
import { SavePipeline, type BatchOutcome, type FileSave, type StateTypes } from '../engine/save-pipeline';
import { connectAll, requestTimeoutMs, type GlobalOptions } from './agents';
import { TYPESCRIPT_EXTENSIONS, describeSave, uncomparedReason } from './describe-save';
import { withMigrations } from './migrate';
import { offerRestart } from './restart';
import { complain, print, say } from './terminal';
import { typescriptFromCodeCache } from './typescript-code-cache';

export interface LoadOptions extends GlobalOptions {
  /** Write the codeChange migrations that changed state types call for, then load with them (migrate.ts). */
  migrate?: boolean;
}

/** What a load refused for a migration says it can do. */
const MIGRATE_HINT =
  'or load again with --migrate, which writes one for each (the running state converted, new fields given their defaults) and loads it';

/** One line of `--json`'s report. */
type FileReport = Record<string, unknown> & { file: string; ok: boolean };

/** What a load does with the apps where something could not apply in place (restart.ts's offerRestart). */
export type RestartOffer = (clients: AgentClient[], always: boolean) => Promise<void>;

/**
 * Loads `files` as one release. `warmStateTypes` is the load server's analysis, kept across its
 * loads (load-server/server.ts); without it, a load of TypeScript starts its own.
 */
export async function load(
  files: string[],
  options: LoadOptions,
  offer: RestartOffer = offerRestart,
  warmStateTypes?: StateTypes,
): Promise<number> {
  const timeoutMs = requestTimeoutMs(options);
  // esbuild's first transform spawns its service (40 ms here, up to 0.6 s on a slow disk): start
  // it now, while the agents connect and answer, not after, for files it compiles. A JavaScript
  // file the app runs as it is is sent as it is, read by acorn in this process (asIsSyntaxError).
  // If esbuild cannot start, the compile of the file says so, as it always has.
  if (files.some((f) => !AS_IS_EXTENSIONS.has(extname(f)))) warmCompiler().catch(() => undefined);
  const { clients, failures } = await connectAll(options.discoveryDir, timeoutMs);
  const report: FileReport[] = [];
  const fail = (file: string, error: string): void => {
    if (options.json) report.push({ file, ok: false, error });
    else complain(`✗ ${error}`);
  };
  const note = (file: string, line: string): void => {
    if (options.json) report.push({ file, ok: true, note: line });
    else say(line);
  };
  const restarts = new Set<AgentClient>();
  let failed = failures.length > 0;
  /** Says TypeScript has been used, when it was loaded (typescript-code-cache.ts). */
  let typescriptUsed = (): void => undefined;
  try {
    for (const f of failures) complain(`could not connect: ${f}`);
    // A load checks state types as a save in the editor does (a changed one without a
    // codeChange loads nothing); only TypeScript has them to read, so only it brings TypeScript.
    const typescript = files.some((f) => TYPESCRIPT_EXTENSIONS.has(extname(f)));
    if (typescript && !warmStateTypes) typescriptUsed = typescriptFromCodeCache();
    const stateTypes = typescript
      ? (warmStateTypes ?? (await import('../engine/state-types-adapter.js')).createStateTypes())
      : undefined;
    const pipeline = new SavePipeline({ clients: () => clients, stateTypes });
    const saves: FileSave[] = [];
    /** Files that cannot be part of the release, and why: the release is refused. */
    const refused = new Map<string, string>();
    /** Importers of a type file that cannot be compared, and that file. */
    const heldBack = new Map<string, string>();
    const read = await Promise.all(
      files.map(async (file) => ({ file, text: await readFile(resolve(file), 'utf8').catch((e: Error) => e) })),
    );
    // Files of types only go first: they load nothing, and decide whether their importers can.
    const typesOnly = ({ file, text }: (typeof read)[number]) =>
      typeof text === 'string' && stateTypes?.isTypeOnly?.(resolve(file), text) === true;
    for (const entry of [...read.filter(typesOnly), ...read.filter((e) => !typesOnly(e))]) {
      const { file, text } = entry;
      const absolute = resolve(file);
      if (typeof text !== 'string') {
        refused.set(file, `cannot read ${absolute}: ${(text as NodeJS.ErrnoException).code ?? text.message}`);
      } else if (heldBack.has(absolute)) {
        refused.set(file, `${file}: not loaded: ${uncomparedReason(heldBack.get(absolute)!)}`);
      } else if (typesOnly(entry)) {
        const saved = await pipeline.onSave(absolute, text, 'cli');
        if (saved.kind === 'typesOnly' && saved.uncompared.length > 0) {
          for (const dependent of saved.uncompared) heldBack.set(dependent, file);
          const importers = saved.uncompared.map((f) => relative(process.cwd(), f)).join(', ');
          refused.set(
            file,
            `${file}: ${uncomparedReason(file)}; the modules importing it (${importers}) are not loaded`,
          );
        } else if (options.json) report.push({ file, ok: true, note: describeSave(saved, process.cwd()) });
        else say(describeSave(saved, process.cwd()));
      } else {
        saves.push({ file: absolute, text });
      }
    }
    for (const [file, reason] of refused) fail(file, reason);
    failed ||= refused.size > 0;
    if (refused.size > 0) {
      const why = `not loaded: it is one release with ${[...refused.keys()].join(', ')}, which cannot load`;
      for (const save of saves)
        fail(relative(process.cwd(), save.file), `${relative(process.cwd(), save.file)}: ${why}`);
    } else if (saves.length > 0) {
      let outcomes = await pipeline.onSaves(saves, 'cli');
      const migrated =
        options.migrate && stateTypes ? await withMigrations(stateTypes, saves, outcomes, note) : undefined;
      if (migrated) outcomes = await pipeline.onSaves(migrated, 'cli');
      for (const outcome of outcomes) {
        failed = reportOutcome(outcome, clients.length, options.json ? report : undefined, fail) || failed;
        if (outcome.kind === 'loaded' || outcome.kind === 'failed') {
          for (const { client } of needingRestart(outcome.outcomes)) restarts.add(client);
        }
      }
    }
    if (options.json) print(JSON.stringify(report, null, 2) + '\n');
    else await offer([...restarts], options.restart === true);
    return failed ? 1 : 0;
  } finally {
    for (const c of clients) c.close();
    typescriptUsed();
  }
}

/** Says (or adds to `json`) what happened to one file of the release; true if it failed. */
function reportOutcome(
  outcome: BatchOutcome,
  agents: number,
  json: FileReport[] | undefined,
  fail: (file: string, error: string) => void,
): boolean {
  const file = relative(process.cwd(), outcome.file);
  switch (outcome.kind) {
    case 'notRunning':
      fail(file, new NoAgentRunsFileError(outcome.file, agents).message);
      return true;
    case 'bundled':
      fail(file, bundledSourceMessage(outcome.file, outcome.bundles));
      return true;
    case 'otherCompiler':
      fail(file, foreignBuildMessage(file, relative(process.cwd(), outcome.built), outcome.compiler, outcome.atLoad));
      return true;
    case 'syntaxError':
      fail(file, outcome.error.message);
      return true;
    case 'heldBack':
      fail(
        file,
        `${file}: not loaded: it is one release with ${outcome.blockers.map((b) => relative(process.cwd(), b)).join(', ')}, which cannot load`,
      );
      return true;
    case 'loaded':
    case 'failed':
      if (json) json.push(...outcome.outcomes.map((o) => outcomeReport(file, o)));
      else for (const o of outcome.outcomes) (o.error ? complain : say)(describeOutcome(o));
      return outcome.outcomes.some((o) => o.error);
    default: {
      const refused = outcome.kind === 'migrationNeeded';
      const message = describeSave(outcome, process.cwd(), { migrateHint: MIGRATE_HINT });
      if (json) json.push({ file, ok: !refused, ...(refused ? { error: message } : { note: message }) });
      else (refused ? complain : say)(message);
      return refused;
    }
  }
}

function outcomeReport(file: string, o: LoadOutcome): FileReport {
  return {
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
  };
}
