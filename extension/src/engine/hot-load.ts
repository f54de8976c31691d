/**
 * Hot-loading a file into every connected agent whose app runs it (its targets: targets.ts), as
 * an upgrade. Each agent gets code compiled for its Node version.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type {
  CommitResult,
  ModuleInfo,
  Origin,
  PrepareParams,
  StateShape,
  UpgradeError,
  UpgradePlan,
} from 'hotpatch-agent/protocol';
import { AgentError, type AgentClient } from './agent-client';
import { CompileError, compileModule, originalPosition, type Compiled } from './compile';
import { importsNotRunning, RunningTexts, type ImportScanner } from './imports-not-running';
import { withSourceNamesOnly } from './source-names';
import { javascriptRelativeImports } from './javascript-imports';
import { UpgradeErrorData } from './replies';
import { compileKey, findTargets, type Target } from './targets';
import { errorMessage } from '../shared/error-message';

export interface LoadOutcome {
  client: AgentClient;
  /** The module the file was loaded as. */
  module: ModuleInfo;
  /** The id of the plan on this agent, chosen here so that it can be aborted even unanswered. */
  planId: string;
  /** What the agent staged: processes, migrations, before/after previews. */
  plan?: UpgradePlan;
  /** The plan was prepared while the user typed (prepared-ahead.ts): the save only committed it. */
  preparedAhead?: boolean;
  /** Present when the upgrade committed. */
  result?: CommitResult;
  /** What went wrong, located in the edited file where possible. */
  error?: string;
  /** Modules the file imports whose saved text is not what runs (also among the result's warnings): a restart runs them as saved. */
  importsNotRunning?: string[];
  timings: { compileMs: number; prepareMs: number; commitMs: number };
  /** The save's state-type analysis, where its text needed one (the same for each agent). */
  analysis?: StateAnalysis;
}

/** How long a save's state-type analysis took, and whether it was made while the user typed (read-ahead.ts). */
export interface StateAnalysis {
  ms: number;
  madeAhead: boolean;
}

export class NoAgentRunsFileError extends Error {
  constructor(file: string, agents: number) {
    super(
      agents === 0
        ? `no hotpatch agent is running (start the app with node -r hotpatch-agent/register)`
        : `${file} is not a loaded module of any of the ${agents} running agent(s)`,
    );
    this.name = 'NoAgentRunsFileError';
  }
}

/**
 * Loads the file everywhere it runs as one two-phase transaction (OTP's sync_nodes): prepare
 * on every agent, commit only when every plan is ok, else abort them all — so one save
 * patches all running instances or none.
 */
export async function hotLoadFile(
  clients: AgentClient[],
  fileArgument: string,
  origin: Origin,
  options: UpgradeOptions = {},
): Promise<LoadOutcome[]> {
  const file = resolve(fileArgument);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const targets = await findTargets(clients, file);
  if (targets.length === 0) throw new NoAgentRunsFileError(file, clients.length);
  return upgradeTargets(targets, file, text, origin, options);
}

export interface UpgradeOptions {
  extra?: unknown;
  suspendTimeoutMs?: number;
  /** State shapes to check migrated states against, by target. */
  shapeFor?: (target: Target) => StateShape | undefined;
  /** The state holders' shapes (module variables, class instances) by holder key, by target. */
  holderShapesFor?: (target: Target) => Record<string, StateShape> | undefined;
  /** Restart the module's processes on the new code instead of migrating their states. */
  restart?: boolean;
  /** Code already compiled, by compileKey, reused instead of compiling again. */
  compiled?: Map<string, Compiled>;
  /**
   * Awaited once every agent prepared, before any commits: false aborts every plan (a check
   * that ran beside the prepare, such as a file's syntax check, failed).
   */
  beforeCommit?: () => Promise<boolean>;
  /** An agent's modules, where a live model has them (else asked). */
  modulesOf?: (client: AgentClient) => readonly ModuleInfo[] | undefined;
  /** The running versions' texts read so far, kept across loads (see imports-not-running.ts). */
  runningTexts?: RunningTexts;
  /** How a loaded file's imports are read (importScannerFor): JavaScript's scanner when not given. */
  scanImports?: ImportScanner;
  /**
   * The plan an agent prepared for its entries ahead of the save (prepared-ahead.ts), taken in
   * place of phase 1's prepare; undefined where there is none that fits.
   */
  preparedAhead?: (client: AgentClient, mine: readonly UpgradeEntry[]) => Promise<UpgradePlan | undefined>;
}

/** The two-phase upgrade of `text` (the new contents of `file`) into every target. */
export async function upgradeTargets(
  targets: Target[],
  file: string,
  text: string,
  origin: Origin,
  options: UpgradeOptions = {},
): Promise<LoadOutcome[]> {
  const compiled = options.compiled ?? new Map<string, Compiled>();
  const entries: UpgradeEntry[] = [];
  for (const target of targets) {
    const key = compileKey(file, target.client.info.nodeVersion, target.module);
    let code = compiled.get(key);
    if (!code)
      compiled.set(key, (code = await compileModule(file, text, target.client.info.nodeVersion, target.module)));
    entries.push({
      ...target,
      file,
      text,
      compiled: code,
      shape: options.shapeFor?.(target),
      holderShapes: options.holderShapesFor?.(target),
    });
  }
  return upgradeEntries(entries, origin, options);
}

/** What agent/prepare is sent of one module of a release. */
export function upgradeModule(
  e: Pick<UpgradeEntry, 'module' | 'text' | 'compiled'>,
  origin: Origin,
): PrepareParams['modules'][number] {
  return {
    file: e.module.file,
    code: e.compiled.code,
    // The source only where it is not the code itself (a JavaScript file the app runs as it
    // is): the agent keeps the code as the source then, and each agent gets half the bytes.
    // TypeScript Node runs itself goes as it is too, but the agent runs its JavaScript: its
    // source goes with it (the code may go as a reading, which the agent keeps stripped).
    ...(e.text === e.compiled.code && !e.module.typescript ? {} : { source: e.text }),
    origin,
  };
}

/** One module of a release: the file saved, the module it runs as in one agent, its compiled code. */
export interface UpgradeEntry extends Target {
  file: string;
  text: string;
  compiled: Compiled;
  shape?: StateShape;
  holderShapes?: Record<string, StateShape>;
  analysis?: StateAnalysis;
}

/**
 * The two-phase upgrade of several modules (a Save All) as one release: each agent gets one plan
 * with all of its modules, and every plan commits only when all prepared. Returns one outcome per
 * entry, in their order; the entries of one agent share its plan and its commit.
 */
export async function upgradeEntries(
  entries: UpgradeEntry[],
  origin: Origin,
  options: Pick<
    UpgradeOptions,
    | 'extra'
    | 'suspendTimeoutMs'
    | 'restart'
    | 'beforeCommit'
    | 'modulesOf'
    | 'runningTexts'
    | 'scanImports'
    | 'preparedAhead'
  > = {},
): Promise<LoadOutcome[]> {
  const byClient = new Map<AgentClient, UpgradeEntry[]>();
  for (const entry of entries) byClient.set(entry.client, [...(byClient.get(entry.client) ?? []), entry]);
  // Beside the prepares: what each file imports that its app does not run as saved. Asked
  // first: an agent answers in order, and a request sent after its prepare would be answered
  // between the prepare's steps, ahead of an abort sent meanwhile.
  const notRunning = importsNotRunningOf(entries, options);

  // Phase 1: prepare everywhere.
  const releases = await Promise.all(
    [...byClient].map(async ([client, mine]) => {
      const started = performance.now();
      // A plan prepared ahead of the save is this save's phase 1, made already.
      const ahead = await options.preparedAhead?.(client, mine);
      const planId = ahead?.id ?? randomUUID();
      const outcomes: LoadOutcome[] = mine.map((e) => ({
        client,
        module: e.module,
        planId,
        timings: { compileMs: e.compiled.compileMs, prepareMs: 0, commitMs: 0 },
        ...(ahead ? { preparedAhead: true } : {}),
        ...(e.analysis ? { analysis: e.analysis } : {}),
      }));
      const shapes = mine.filter((e) => e.shape).map((e) => [e.module.file, e.shape!] as const);
      const holderShapes = mine.filter((e) => e.holderShapes).map((e) => [e.module.file, e.holderShapes!] as const);
      let error: string | undefined;
      let plan: UpgradePlan | undefined;
      try {
        plan =
          ahead ??
          (await client.prepare({
            plan: planId,
            modules: mine.map((e) => upgradeModule(e, origin)),
            extra: options.extra,
            restart: options.restart,
            ...(shapes.length > 0 ? { shapes: Object.fromEntries(shapes) } : {}),
            ...(holderShapes.length > 0 ? { holderShapes: Object.fromEntries(holderShapes) } : {}),
          }));
        if (!plan.ok) {
          // Each error goes to the module it names, located in that module's edited file.
          for (const [i, o] of outcomes.entries()) {
            const e = mine[i]!;
            const own = mine.length === 1 ? plan.errors : plan.errors.filter((err) => err.file === e.module.file);
            o.error =
              own.length > 0
                ? own.map((err) => describeUpgradeError(err, e.file, e.compiled.code)).join('\n')
                : `not loaded: ${plan.errors.map((err) => basename(err.file)).join(', ')} in the same release failed to prepare; aborted`;
          }
        }
      } catch (caught) {
        error = describeAgentError(caught);
      }
      for (const o of outcomes) {
        o.timings.prepareMs = performance.now() - started;
        if (plan) o.plan = plan;
        if (error) o.error = error;
      }
      return { client, planId, plan, outcomes };
    }),
  );
  const outcomes = releases.flatMap((r) => r.outcomes);

  // Phase 2: commit only when all prepared; otherwise abort every plan, those that prepared and
  // those whose agent did not answer (still preparing, maybe: it drops the plan when done).
  const failed = releases.filter((r) => r.outcomes.some((o) => o.error));
  // The checks are not awaited when a prepare already failed: the release aborts either way.
  const checksPassed = failed.length > 0 || !options.beforeCommit || (await options.beforeCommit());
  if (failed.length > 0 || !checksPassed) {
    await Promise.all(
      releases.filter((r) => r.plan?.ok !== false).map((r) => r.client.abort(r.planId).catch(() => false)),
    );
    const names = failed.map((r) => `${r.client.info.appName} (pid ${r.client.info.pid})`).join(', ');
    for (const o of outcomes) {
      o.error ??= checksPassed
        ? `not loaded: another instance failed to prepare (${names}); aborted`
        : 'not loaded: the release failed its checks; aborted';
    }
    return orderedAs(entries, releases);
  }
  await Promise.all(
    releases.map(async ({ client, plan, outcomes: mine }) => {
      const started = performance.now();
      try {
        const result = await client.commit(plan!.id, options.suspendTimeoutMs);
        // Each module's outcome reads its own version, report and warnings; the release's own
        // warnings and its process count go with its first module, so that they are said once.
        for (const [i, o] of mine.entries()) {
          o.result =
            mine.length === 1
              ? result
              : {
                  ...result,
                  modules: result.modules.slice(i, i + 1),
                  reports: result.reports.slice(i, i + 1),
                  warnings: moduleWarnings(result, i),
                  ...(i > 0 ? { processes: 0 } : {}),
                };
          o.module = result.modules[i] ?? o.module;
        }
      } catch (error) {
        for (const o of mine) o.error = describeAgentError(error);
      }
      for (const o of mine) o.timings.commitMs = performance.now() - started;
    }),
  );
  const ordered = orderedAs(entries, releases);
  await Promise.all(
    ordered.map(async (o, i) => {
      const e = entries[i]!;
      // A compiler's own temporaries are no news to the user (source-names.ts).
      if (o.result && e.text !== e.compiled.code)
        o.result = { ...o.result, reports: await withSourceNamesOnly(o.result.reports, e.file, e.text) };
    }),
  );
  const warnings = await notRunning;
  for (const [i, o] of ordered.entries()) {
    if (!o.result || warnings[i]!.length === 0) continue;
    o.result = { ...o.result, warnings: [...o.result.warnings, ...warnings[i]!] };
    o.importsNotRunning = warnings[i];
  }
  return ordered;
}

/**
 * The warnings of the `index`th module of a release: its own, and for the first the release's
 * (old versions purged). From an agent that does not tell them apart, all go with the first.
 */
function moduleWarnings(result: CommitResult, index: number): string[] {
  const own = result.moduleWarnings;
  if (!own) return index === 0 ? result.warnings : [];
  const anyModule = new Set(own.flat());
  const release = index === 0 ? result.warnings.filter((warning) => !anyModule.has(warning)) : [];
  return [...(own[index] ?? []), ...release];
}

/** For each entry, what its file imports that its agent does not run as saved (never throws). */
function importsNotRunningOf(
  entries: UpgradeEntry[],
  options: Pick<UpgradeOptions, 'modulesOf' | 'runningTexts' | 'scanImports'>,
): Promise<string[][]> {
  const release = new Set(entries.map((e) => e.file));
  const running = options.runningTexts ?? new RunningTexts();
  // One scan of each file, however many instances of its app load it (sixteen: ≈12 ms a save).
  const scanned = new Map<string, { text: string; imports: string[] }>();
  const importsOf = ({ file, text }: UpgradeEntry): string[] => {
    const kept = scanned.get(file);
    if (kept?.text === text) return kept.imports;
    const imports = (options.scanImports ?? javascriptRelativeImports)(file, text);
    scanned.set(file, { text, imports });
    return imports;
  };
  return Promise.all(
    entries.map(async (e) => {
      try {
        const modules = options.modulesOf?.(e.client) ?? (await e.client.modules());
        return await importsNotRunning(e.file, importsOf(e), e.client, modules, release, running);
      } catch {
        return []; // only a warning is at stake
      }
    }),
  );
}

/** The outcomes of the releases in the order of the entries they were made from. */
function orderedAs(
  entries: UpgradeEntry[],
  releases: { client: AgentClient; outcomes: LoadOutcome[] }[],
): LoadOutcome[] {
  const next = new Map(releases.map((r) => [r.client, 0]));
  return entries.map((e) => {
    const release = releases.find((r) => r.client === e.client)!;
    const i = next.get(e.client)!;
    next.set(e.client, i + 1);
    return release.outcomes[i]!;
  });
}

/** Points an agent's error at the edited file rather than the compiled code it was reported in. */
function describeUpgradeError(error: UpgradeError, file: string, code: string): string {
  const position = error.line === undefined ? undefined : originalPosition(code, error.line, error.column);
  const message = error.process ? `${error.process}: ${error.message}` : error.message;
  if (!position) return message;
  // The agent's message starts with "<module file>:<line>:<column>: " in compiled coordinates.
  return `${file}:${position.line}:${position.column}: ${message.replace(/^\S+:\d+(?::\d+)?: /, '')}`;
}

function describeAgentError(error: unknown): string {
  // The error's data is the agent's too: used only when it has the protocol's shape.
  const data = error instanceof AgentError ? UpgradeErrorData.safeParse(error.data) : undefined;
  if (data?.success) {
    return `${data.data.stage} failed, nothing changed: ${data.data.errors
      .map((e) => (e.process ? `${e.process}: ${e.message}` : e.message))
      .join('; ')}`;
  }
  if (error instanceof CompileError) return error.message;
  return errorMessage(error);
}
