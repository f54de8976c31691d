/**
 * Hot-loading a file into every connected agent whose app runs it. A file maps to a module
 * when it is the module's own file or one of the sources in the module's source map (a .ts
 * file compiled to .js). Each agent gets code compiled for its Node version.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { LoadErrorData, LoadResult, ModuleInfo, Origin } from 'hotpatch-agent/protocol';
import { AgentError, type AgentClient } from './agent-client';
import { CompileError, compileModule, originalPosition, type Compiled } from './compile';

export interface LoadOutcome {
  client: AgentClient;
  /** The module the file was loaded as. */
  module: ModuleInfo;
  result?: LoadResult;
  /** What went wrong, located in the edited file where possible. */
  error?: string;
  timings: { compileMs: number; roundTripMs: number };
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

export async function hotLoadFile(
  clients: AgentClient[],
  fileArgument: string,
  origin: Origin,
): Promise<LoadOutcome[]> {
  const file = resolve(fileArgument);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  const targets: { client: AgentClient; module: ModuleInfo }[] = [];
  for (const client of clients) {
    for (const module of await client.modules()) {
      if (moduleRunsFile(module, file)) targets.push({ client, module });
    }
  }
  if (targets.length === 0) throw new NoAgentRunsFileError(file, clients.length);

  const compiled = new Map<string, Compiled>();
  const compileFor = async (nodeVersion: string): Promise<Compiled> => {
    const major = /^v?(\d+)/.exec(nodeVersion)?.[1] ?? '';
    let result = compiled.get(major);
    if (!result) compiled.set(major, (result = await compileModule(file, text, nodeVersion)));
    return result;
  };

  return Promise.all(
    targets.map(async ({ client, module }): Promise<LoadOutcome> => {
      const { code, compileMs } = await compileFor(client.info.nodeVersion);
      const started = performance.now();
      try {
        const result = await client.load({ file: module.file, code, source: text, origin });
        return {
          client,
          module: result.module,
          result,
          timings: { compileMs, roundTripMs: performance.now() - started },
        };
      } catch (error) {
        return {
          client,
          module,
          error: describeLoadError(error, file, code),
          timings: { compileMs, roundTripMs: performance.now() - started },
        };
      }
    }),
  );
}

/** Rewrites an agent's load error to point at the edited file rather than the compiled code. */
function describeLoadError(error: unknown, file: string, code: string): string {
  if (error instanceof AgentError && isLoadErrorData(error.data) && error.data.line !== undefined) {
    const data = error.data;
    const position = originalPosition(code, data.line!, data.column);
    const where = position ? `${file}:${position.line}:${position.column}` : `${data.file}:${data.line}`;
    return `${where}: ${data.kind === 'syntax' ? 'syntax error' : 'top level threw'}: ${data.message}`;
  }
  if (error instanceof CompileError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

function isLoadErrorData(data: unknown): data is LoadErrorData {
  return typeof data === 'object' && data !== null && 'kind' in data && 'file' in data;
}
