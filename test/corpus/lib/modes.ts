/**
 * The ways an edit reaches a running app: Hotpatch through its CLI or its language server, and
 * the baselines that restart or re-evaluate (node --watch, bun --hot).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
// The files whose state types `hotpatch load` compares (it starts TypeScript for them).
import { TYPESCRIPT_EXTENSIONS } from '../../../extension/src/cli/describe-save';
import { readAhead, type PatchReport } from '../../../extension/src/shared/lsp-extensions';
import { LspSession } from '../../helpers/lsp';
import { bunBinary, cliBin, nodeRuntimes, repoRoot } from '../../helpers/paths';
import { waitFor } from '../../helpers/wait';
import { answers, checkProbes, type CookieJar } from './http';
import { generateMigration, openWhenSeen } from './lsp-migration';
import { run, start, type Child } from './procs';
import type { FileStep } from './steps';
import type { CorpusApp, Edit, Entry } from './types';

export const modeNames = ['hotpatch-cli', 'hotpatch-lsp', 'node --watch', 'bun --hot'] as const;
export type ModeName = (typeof modeNames)[number];

/** What the tool said about an edit (Hotpatch's CLI or language server; the baselines say nothing). */
export interface Report {
  /** success: ✓ with no warning; warning: applied with a warning; failure: ✗ / non-zero exit. */
  claimed: 'success' | 'warning' | 'failure';
  /** The report names the edited file and a line (file:line, or a diagnostic on the file). */
  namesLine: boolean;
  code?: number;
  text: string;
}

export interface Applied {
  report?: Report;
  notes: string[];
  /**
   * For an edit that changes a state type (`migration`): whether the tool asked for a migration
   * before loading it; undefined where the mode does not analyse state types.
   */
  migrationAsked?: boolean;
}

export interface Context {
  app: CorpusApp;
  entry: Entry;
  dir: string;
  port: number;
  jar: CookieJar;
}

const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
const startTimeoutMs = 20_000;

export async function compileTs(dir: string): Promise<string | undefined> {
  const result = await run(process.execPath, [tsc, '-p', dir], { cwd: dir, timeoutMs: 60_000 });
  return result.code === 0 ? undefined : `tsc exited with ${result.code}: ${(result.stdout + result.stderr).trim()}`;
}

export abstract class Driver {
  child?: Child;
  protected readonly discoveryDir = mkdtempSync(join(tmpdir(), 'hotpatch-corpus-'));

  constructor(readonly ctx: Context) {}

  protected abstract command(): [string, string[]];

  /** Starts the app (compiling it first for tsc) and waits until it answers. */
  async start(): Promise<void> {
    if (this.ctx.entry.kind === 'tsc') {
      const error = await compileTs(this.ctx.dir);
      if (error) throw new Error(error);
    }
    const [command, args] = this.command();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.ctx.port),
      HOTPATCH_DISCOVERY_DIR: this.discoveryDir,
      HOTPATCH_QUIET: '1',
    };
    delete env.NODE_OPTIONS;
    const child = start(command, args, this.ctx.dir, env, `${this.ctx.entry.name} (${this.mode})`);
    this.child = child;
    await waitFor(
      `${child.label} to answer GET ${this.ctx.app.health}`,
      async () => {
        if (!child.alive) throw new Error(`exited: ${child.output.slice(-2000)}`);
        return (await answers(this.ctx.port, this.ctx.app.health)) && this.ready();
      },
      startTimeoutMs,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${child.output.slice(-2000)}`);
    });
  }

  /** More than answering HTTP: the agent has published its discovery file. */
  protected ready(): boolean {
    return true;
  }

  abstract readonly mode: ModeName;
  /** Called before the edit's clock starts (the language server opens each file once). */
  async prepare(_files: string[]): Promise<void> {}
  /** Writes the edit's files, in order, and delivers them. */
  abstract apply(edit: Edit, steps: FileStep[]): Promise<Applied>;

  /** The process the runner started is running (the app, or the watcher around it). */
  get processAlive(): boolean {
    return this.child?.alive ?? false;
  }

  async stop(): Promise<void> {
    await this.child?.stop();
    rmSync(this.discoveryDir, { recursive: true, force: true });
  }
}

/**
 * The Node an entry runs on: this one, but for TypeScript Node runs itself, the newest the tests
 * installed (`npm run pretest`), which strips types with its module hooks in the app's thread.
 */
export function nodeFor(entry: Entry): string {
  if (entry.kind !== 'node-ts') return process.execPath;
  const newest = nodeRuntimes().at(-1)!;
  if (newest.major < 24) throw new Error(`${entry.name} runs on Node ≥ 24: run npm run pretest`);
  return newest.bin;
}

function nodeArgs(entry: Entry): string[] {
  switch (entry.kind) {
    case 'cjs':
      return ['-r', 'hotpatch-agent/register', ...entry.main];
    case 'esm':
      return ['--import', 'hotpatch-agent/register', ...entry.main];
    case 'tsc':
      return ['-r', 'hotpatch-agent/register', '--enable-source-maps', ...entry.main];
    case 'tsx':
      return ['--import', 'tsx', '--import', 'hotpatch-agent/register', ...entry.main];
    case 'ts-node':
      return ['-r', 'ts-node/register', '-r', 'hotpatch-agent/register', ...entry.main];
    case 'node-ts':
      return ['--import', 'hotpatch-agent/register', ...entry.main];
  }
}

/** Whether the output names the file and a line: `format.ts:3`, `format.ts (3:12)`, `line 3`. */
function namesFileLine(text: string, file: string): boolean {
  const name = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${name}(?::|\\s*\\(|,? line )\\d+`).test(text);
}

function claimed(ok: boolean, text: string): Report['claimed'] {
  if (!ok || /✗/.test(text)) return 'failure';
  return /warning|⚠/i.test(text) ? 'warning' : 'success';
}

/**
 * What the language server claimed for an edit, from the last report of each file saved. Across
 * several files, a file no app runs (a type-only module: "notRunning") or one already running
 * ("unchanged") claims nothing; the edit succeeded only if every other save loaded.
 */
function lspClaim(finals: PatchReport[]): Report['claimed'] {
  const considered =
    finals.length > 1 ? finals.filter((r) => r.outcome !== 'notRunning' && r.outcome !== 'unchanged') : finals;
  if (considered.length === 0 || considered.some((r) => r.outcome !== 'loaded')) return 'failure';
  return claimed(true, considered.flatMap((r) => r.lines).join('\n'));
}

/** Writes each step's file in order; returns the files. */
function writeSteps(steps: FileStep[]): string[] {
  for (const step of steps) writeFileSync(step.file, step.text());
  return steps.map((step) => step.file);
}

class HotpatchCli extends Driver {
  readonly mode: ModeName = 'hotpatch-cli';

  protected command(): [string, string[]] {
    return [nodeFor(this.ctx.entry), nodeArgs(this.ctx.entry)];
  }

  protected override ready(): boolean {
    return existsSync(join(this.discoveryDir, `${this.child!.pid}.json`));
  }

  async apply(edit: Edit, steps: FileStep[]): Promise<Applied> {
    const files = writeSteps(steps);
    const notes: string[] = [];
    let result = await this.#load(files);
    // Refused for a state type that changed: what the CLI says a user can do (as the language
    // server's mode takes its "Generate migration").
    const migrationAsked = result.code !== 0 && result.output.includes('load again with --migrate');
    if (edit.migration && migrationAsked) {
      notes.push('refused for a migration: loaded again with --migrate, as the CLI offers');
      result = await this.#load(['--migrate', ...files]);
    }
    // Judged as the language server's mode is: a load that changed a state type under a ✓,
    // without asking for a migration first, is not honest. The CLI compares the state types of
    // TypeScript only (cli/load.ts: it starts TypeScript for them); a JavaScript module's new
    // shape is judged by what the app then holds and answers.
    const typescript = files.some((file) => TYPESCRIPT_EXTENSIONS.has(extname(file)));
    return {
      ...(edit.migration && typescript ? { migrationAsked } : {}),
      report: {
        claimed: claimed(result.code === 0, result.output),
        namesLine: files.some((file) => namesFileLine(result.output, file)),
        code: result.code,
        text: result.output,
      },
      notes,
    };
  }

  async #load(args: string[]): Promise<{ code: number; output: string }> {
    const result = await this.#cli(['load', ...args]);
    return { code: result.code, output: (result.stdout + result.stderr).trim() };
  }

  /**
   * The CLI as a user runs it in the app's folder: a load of TypeScript starts the folder's load
   * server (unless HOTPATCH_LOAD_SERVER=0), and the next loads run in it.
   */
  #cli(args: string[]) {
    return run(process.execPath, [cliBin, ...args], {
      cwd: this.ctx.dir,
      env: { ...process.env, HOTPATCH_DISCOVERY_DIR: this.discoveryDir },
      timeoutMs: 30_000,
    });
  }

  /** The app's folder's load server, if a load started one, ends with the app. */
  override async stop(): Promise<void> {
    if (this.mode === 'hotpatch-cli') await this.#cli(['server', 'stop']);
    await super.stop();
  }
}

/**
 * How long a save waits, after its text was typed, for the server to read it ahead in the apps
 * (ms): a file no app runs yet, or text the apps already run, is not read, and saved then.
 */
const READ_AHEAD_WAIT_MS = 1500;

class HotpatchLsp extends HotpatchCli {
  override readonly mode: ModeName = 'hotpatch-lsp';
  #session?: LspSession;
  readonly #opened = new Set<string>();
  /** Who waits for the server's reading ahead of a file, by uri. */
  readonly #readings = new Map<string, () => void>();

  override async start(): Promise<void> {
    await super.start();
    if (!this.#session) {
      this.#session = await LspSession.start(this.discoveryDir);
      this.#session.connection.onNotification(readAhead, ({ uri }) => this.#readings.get(uri)?.());
    }
  }

  /**
   * Types `text` into the open file, as a user does before saving, and waits until the server
   * read it ahead in the apps (and prepared it there where it runs none of the app's code), as
   * a user's save comes after their last keystroke; at most READ_AHEAD_WAIT_MS.
   */
  async #type(file: string, text: string): Promise<void> {
    const uri = pathToFileURL(file).href;
    let timer: NodeJS.Timeout | undefined;
    const read = new Promise<void>((resolve) => {
      this.#readings.set(uri, resolve);
      timer = setTimeout(resolve, READ_AHEAD_WAIT_MS);
    });
    try {
      await this.#session!.change(file, text);
      await read;
    } finally {
      clearTimeout(timer);
      this.#readings.delete(uri);
    }
  }

  override async prepare(files: string[]): Promise<void> {
    for (const file of files) await this.#openOnce(file);
  }

  /** Opens the file in the server once the app is connected (and, when the app runs the file, once the server sees it). */
  async #openOnce(file: string): Promise<void> {
    if (this.#opened.has(file)) return;
    await openWhenSeen(this.#session!, file);
    this.#opened.add(file);
  }

  override async apply(edit: Edit, steps: FileStep[]): Promise<Applied> {
    const session = this.#session!;
    const notes: string[] = [];
    const reports: PatchReport[] = [];
    /** The last report of each step: the save of its file, or of the migration written for it. */
    const finals: PatchReport[] = [];
    for (const step of steps) {
      const text = step.text();
      writeFileSync(step.file, text);
      if (this.#opened.has(step.file)) await this.#type(step.file, text);
      let report = await session.save(step.file, text);
      reports.push(report);
      if (report.outcome === 'migrationNeeded' && edit.migration) {
        const migration = await generateMigration(session, report, (file) => this.#openOnce(file));
        notes.push(...migration.notes);
        reports.push(...migration.reports);
        report = migration.reports.at(-1) ?? report;
      }
      finals.push(report);
    }
    const diagnostics = [...new Set(reports.map((r) => r.uri))].flatMap(
      (uri) => session.diagnostics.get(uri)?.diagnostics ?? [],
    );
    const lines = reports.map((r) => r.lines.join('\n'));
    const text = reports
      .map((r) => `${reports.length > 1 ? `${basename(r.uri)} ` : ''}${r.outcome}: ${r.lines.join('\n')}`)
      .join('\n');
    return {
      report: {
        claimed: lspClaim(finals),
        namesLine:
          steps.some((step) => lines.some((l) => namesFileLine(l, step.file))) ||
          diagnostics.some((d) => d.severity === 1),
        text: `${text}${diagnostics.length ? `\ndiagnostics: ${diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join('; ')}` : ''}`,
      },
      notes,
      ...(edit.migration ? { migrationAsked: reports.some((r) => r.outcome === 'migrationNeeded') } : {}),
    };
  }

  override async stop(): Promise<void> {
    await this.#session?.stop().catch(() => this.#session?.child.kill('SIGKILL'));
    await super.stop();
  }
}

/** Writes the edit (recompiling a tsc app), then waits until the restart it causes has happened. */
class NodeWatch extends Driver {
  readonly mode: ModeName = 'node --watch';

  protected command(): [string, string[]] {
    const { entry } = this.ctx;
    const options = {
      cjs: [],
      esm: [],
      tsc: ['--enable-source-maps'],
      tsx: ['--import', 'tsx'],
      'ts-node': ['-r', 'ts-node/register'],
      'node-ts': [],
    }[entry.kind];
    return [nodeFor(entry), ['--watch', ...options, ...entry.main]];
  }

  async apply(_edit: Edit, steps: FileStep[]): Promise<Applied> {
    const notes: string[] = [];
    const child = this.child!;
    const restarts = (): number => child.stdout.split("Restarting '").length;
    const before = restarts();
    writeSteps(steps);
    if (this.ctx.entry.kind === 'tsc') {
      const error = await compileTs(this.ctx.dir);
      if (error) notes.push(error.split('\n')[0]!);
    }
    const restarted = await waitFor('node --watch to restart', () => restarts() > before, 5000).catch(() => false);
    if (!restarted) {
      notes.push('node --watch did not restart within 5 s');
      return { notes };
    }
    const since = child.stdout.lastIndexOf("Restarting '");
    await waitFor(
      'the restarted app to answer, or to fail',
      async () =>
        child.stdout.indexOf("Failed running '", since) > 0 || (await answers(this.ctx.port, this.ctx.app.health)),
      15_000,
    ).catch(() => notes.push('the app did not answer within 15 s of its restart'));
    return { notes };
  }
}

/** Bun re-evaluates in place: wait (bounded) until the edit's live probes pass. */
class BunHot extends Driver {
  readonly mode: ModeName = 'bun --hot';

  protected command(): [string, string[]] {
    return [bunBinary()!, ['--hot', ...this.ctx.entry.main]];
  }

  async apply(edit: Edit, steps: FileStep[]): Promise<Applied> {
    const notes: string[] = [];
    writeSteps(steps);
    if (this.ctx.entry.kind === 'tsc') {
      const error = await compileTs(this.ctx.dir);
      if (error) notes.push(error.split('\n')[0]!);
    }
    const live = edit.live ?? [];
    await waitFor(
      'the edit to be live',
      async () => (await checkProbes(this.ctx.port, live, this.ctx.jar)).length === 0,
      5000,
    ).catch(() => notes.push('not live within 5 s'));
    return { notes };
  }
}

export function driverFor(mode: ModeName, ctx: Context): Driver {
  switch (mode) {
    case 'hotpatch-cli':
      return new HotpatchCli(ctx);
    case 'hotpatch-lsp':
      return new HotpatchLsp(ctx);
    case 'node --watch':
      return new NodeWatch(ctx);
    case 'bun --hot':
      return new BunHot(ctx);
  }
}
