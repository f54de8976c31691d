/**
 * Hot-loading a file into every connected agent whose app runs it, as an upgrade. A file maps
 * to a module when it is the module's own file, one of the sources in the module's source map
 * (a .ts file compiled to .js), or, without a map, where its tsconfig's rootDir → outDir emits
 * it. Each agent gets code compiled for its Node version.
 */
import { randomUUID } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { StateShape, CommitResult, ModuleInfo, Origin, UpgradeError, UpgradePlan } from 'hotpatch-agent/protocol';
import { AgentError, type AgentClient } from './agent-client';
import { CompileError, compileModeFor, compileModule, originalPosition, type Compiled } from './compile';
import { UpgradeErrorData } from './replies';
import { emittedFile } from './tsconfig-mapping';

export interface LoadOutcome {
  client: AgentClient;
  /** The module the file was loaded as. */
  module: ModuleInfo;
  /** The id of the plan on this agent, chosen here so that it can be aborted even unanswered. */
  planId: string;
  /** What the agent staged: processes, migrations, before/after previews. */
  plan?: UpgradePlan;
  /** Present when the upgrade committed. */
  result?: CommitResult;
  /** What went wrong, located in the edited file where possible. */
  error?: string;
  timings: { compileMs: number; prepareMs: number; commitMs: number };
}

export function nodeMajor(nodeVersion: string): string {
  return /^v?(\d+)/.exec(nodeVersion)?.[1] ?? '';
}

/** Targets with the same key get the same compiled code: the compiler, the module format and the Node major. */
export function compileKey(file: string, nodeVersion: string, module: ModuleInfo): string {
  return `${compileModeFor(file, module)}:${module.format}:${nodeMajor(nodeVersion)}`;
}

/** True when `module` is the module the file at `file` (absolute) becomes. */
export function moduleRunsFile(module: ModuleInfo, file: string): boolean {
  return module.file === file || module.sources.includes(file);
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

/** A module some agent runs that a file maps to. */
export interface Target {
  client: AgentClient;
  module: ModuleInfo;
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
}

/**
 * Every (agent, module) pair that runs `file` (absolute). `known` gives an agent's modules
 * when a live model has them, saving a round trip per agent.
 */
export async function findTargets(
  clients: AgentClient[],
  file: string,
  known?: (client: AgentClient) => readonly ModuleInfo[] | undefined,
): Promise<Target[]> {
  const lists = await Promise.all(
    clients.map(async (client) => ({ client, modules: known?.(client) ?? (await client.modules()) })),
  );
  const match = (runs: (module: ModuleInfo) => boolean): Target[] =>
    lists.flatMap(({ client, modules }) => modules.filter(runs).map((module) => ({ client, module })));
  const targets = match((module) => moduleRunsFile(module, file));
  if (targets.length > 0) return targets;
  // The app names its files by their real paths; an editor may have opened them through a symlink.
  const real = await realpath(file).catch(() => file);
  if (real !== file) {
    const throughLink = match((module) => moduleRunsFile(module, real));
    if (throughLink.length > 0) return throughLink;
  }
  // No source map names the file: try where its tsconfig emits it.
  const emitted = await emittedFile(file);
  return emitted ? match((module) => module.file === emitted) : [];
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
  const compileFor = async (nodeVersion: string, module: ModuleInfo): Promise<Compiled> => {
    const key = compileKey(file, nodeVersion, module);
    let result = compiled.get(key);
    if (!result) compiled.set(key, (result = await compileModule(file, text, nodeVersion, module)));
    return result;
  };

  // Phase 1: prepare everywhere.
  const outcomes = await Promise.all(
    targets.map(async ({ client, module }): Promise<LoadOutcome & { code: string }> => {
      const { code, compileMs } = await compileFor(client.info.nodeVersion, module);
      const started = performance.now();
      const planId = randomUUID();
      const outcome = { client, module, code, planId, timings: { compileMs, prepareMs: 0, commitMs: 0 } };
      try {
        const shape = options.shapeFor?.({ client, module });
        const holderShapes = options.holderShapesFor?.({ client, module });
        const plan = await client.prepare({
          plan: planId,
          modules: [{ file: module.file, code, source: text, origin }],
          extra: options.extra,
          restart: options.restart,
          ...(shape ? { shapes: { [module.file]: shape } } : {}),
          ...(holderShapes ? { holderShapes: { [module.file]: holderShapes } } : {}),
        });
        outcome.timings.prepareMs = performance.now() - started;
        if (plan.ok) return { ...outcome, plan };
        return { ...outcome, plan, error: plan.errors.map((e) => describeUpgradeError(e, file, code)).join('\n') };
      } catch (error) {
        return { ...outcome, error: describeAgentError(error) };
      }
    }),
  );

  // Phase 2: commit only when all prepared; otherwise abort every plan, those that prepared and
  // those whose agent did not answer (still preparing, maybe: it drops the plan when done).
  const failed = outcomes.filter((o) => o.error);
  if (failed.length > 0) {
    await Promise.all(
      outcomes.filter((o) => o.plan?.ok !== false).map((o) => o.client.abort(o.planId).catch(() => false)),
    );
    const names = failed.map((o) => `${o.client.info.appName} (pid ${o.client.info.pid})`).join(', ');
    for (const o of outcomes) o.error ??= `not loaded: another instance failed to prepare (${names}); aborted`;
    return outcomes;
  }
  await Promise.all(
    outcomes.map(async (o) => {
      const started = performance.now();
      try {
        o.result = await o.client.commit(o.plan!.id, options.suspendTimeoutMs);
        o.module = o.result.modules[0] ?? o.module;
      } catch (error) {
        o.error = describeAgentError(error);
      }
      o.timings.commitMs = performance.now() - started;
    }),
  );
  return outcomes;
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
  return error instanceof Error ? error.message : String(error);
}
