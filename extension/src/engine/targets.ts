/**
 * Which running modules a saved file is, in which agents (a save's targets), and how each is
 * compiled for: its own file or the one source of its source map, through a symlink, or where
 * its tsconfig emits it; a source bundled with others is not one on its own.
 */
import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { relative } from 'node:path';
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import { compileModeFor } from './compile';
import { emittedFile } from './tsconfig-mapping';
import { runningCompilerOf, type RunningModule } from './running-compilers';

export function nodeMajor(nodeVersion: string): string {
  return /^v?(\d+)/.exec(nodeVersion)?.[1] ?? '';
}

/** The agent's version hash of a piece of code (VersionInfo.hash). */
export function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 12);
}

/** Targets with the same key get the same compiled code: the compiler, the module format and the Node major. */
export function compileKey(file: string, nodeVersion: string, module: RunningModule): string {
  return `${compileModeFor(file, module)}:${module.format}:${nodeMajor(nodeVersion)}`;
}

/**
 * True when `module` is the module the file at `file` (absolute) becomes: its own file, or the
 * one source of its source map. A module whose map has several sources is a bundle (esbuild,
 * tsup, webpack), whose next version is the bundle its build writes, not one source's code.
 */
export function moduleRunsFile(module: ModuleInfo, file: string): boolean {
  return module.file === file || (module.sources.length === 1 && module.sources[0] === file);
}

/** True when `file` is one of the several sources bundled into `module` (see moduleRunsFile). */
export function moduleBundlesFile(module: ModuleInfo, file: string): boolean {
  return module.file !== file && module.sources.length > 1 && module.sources.includes(file);
}

/** What a save of a source of a bundle says: the bundle loads, once its build wrote it. */
export function bundledSourceMessage(file: string, bundles: readonly string[]): string {
  const shown = (path: string): string => {
    const fromHere = relative(process.cwd(), path);
    return fromHere && !fromHere.startsWith('..') ? fromHere : path;
  };
  const names = bundles.map(shown);
  return (
    `${shown(file)} is not loaded on its own: it is bundled into ${names.join(', ')} with other ` +
    `sources, whose next version is what your build writes: load ${names.length === 1 ? 'it' : 'them'} once rebuilt ` +
    `(hotpatch load ${names.join(' ')}, or hotpatch watch on the build's folder), or restart the app after the build`
  );
}

/** A module some agent runs that a file maps to. */
export interface Target {
  client: AgentClient;
  module: RunningModule;
}

/**
 * Every (agent, module) pair that runs `file` (absolute), to compile the file for: each with the
 * compiler of its running code where that picks the compiler (runningCompilerOf, asked of the
 * agent once per module). `known` gives an agent's modules when a live model has them, saving
 * a round trip per agent.
 */
export async function findTargets(
  clients: AgentClient[],
  file: string,
  known?: (client: AgentClient) => readonly ModuleInfo[] | undefined,
): Promise<Target[]> {
  const targets = await matchTargets(clients, file, known);
  return Promise.all(
    targets.map(async (target) => {
      const mode = compileModeFor(file, target.module);
      if (mode !== 'tsc' && mode !== 'tsx') return target;
      const compiledBy = await runningCompilerOf(target.client, target.module);
      return compiledBy ? { ...target, module: { ...target.module, compiledBy } } : target;
    }),
  );
}

/**
 * Every (agent, module) pair that runs `file`, from the agents' module lists alone (no request
 * to an agent that may be paused in a debugger): findTargets without the compilers.
 */
export async function matchTargets(
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

/** The bundles some agent runs that `file` (absolute) is one of the sources of (see moduleBundlesFile). */
export async function findBundles(
  clients: AgentClient[],
  file: string,
  known?: (client: AgentClient) => readonly ModuleInfo[] | undefined,
): Promise<string[]> {
  const lists = await Promise.all(clients.map(async (client) => known?.(client) ?? (await client.modules())));
  return [
    ...new Set(
      lists
        .flat()
        .filter((module) => moduleBundlesFile(module, file))
        .map((module) => module.file),
    ),
  ];
}
