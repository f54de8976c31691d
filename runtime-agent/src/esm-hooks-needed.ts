/**
 * Whether an app started without in-thread module hooks (Node 20, Node 24 before 24.11.1)
 * needs the ES module hooks, which there run in a thread of their own: ≈30 MB and a few
 * hundred milliseconds of startup for every app, paid even by a CommonJS app that never
 * imports an ES module of its own. They are started when the app is an ES module app:
 *
 * - `HOTPATCH_ESM_HOOKS=1` (or `=0`) says so explicitly;
 * - the agent was preloaded with `--import` (the way ES module apps start it);
 * - the entry file is an ES module: `.mjs`/`.mts`, or `.js`/`.ts` under a package.json with
 *   `"type": "module"`.
 *
 * A CommonJS app started with `-r` gets none: an ES module it loads later with `import()` is
 * not hot (the README says so, and how to have it).
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';

export function esmHooksNeeded(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: string[] = process.execArgv,
  entry: string | undefined = process.argv[1],
): boolean {
  const explicit = env.HOTPATCH_ESM_HOOKS;
  if (explicit === '1' || explicit === '0') return explicit === '1';
  if (preloadsOf(env, execArgv).imported.some(isAgent)) return true;
  return entry !== undefined && isEsmEntry(resolve(entry));
}

/**
 * Whether the agent's module hooks are the first registered, so that the load after theirs in
 * the chain is Node's own (esm-source-read.ts reads a module's source ahead only then): the
 * agent is the first module preloaded (with `--require`, which Node runs before `--import`, or
 * with `--import` where nothing is required), and Node was given no loader and no policy (a
 * policy checks the integrity of what Node's own load reads). Any other preload may register
 * hooks of its own before the agent's, which would then run after them.
 */
export function agentHooksRegisteredFirst(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: string[] = process.execArgv,
): boolean {
  const { required, imported, loaderOrPolicy } = preloadsOf(env, execArgv);
  // Node runs what it requires before what it imports.
  const first = [...required, ...imported][0];
  return !loaderOrPolicy && first !== undefined && isAgent(first);
}

/**
 * The modules Node was told to preload, in the order it reads them (NODE_OPTIONS before the
 * command line's own), and whether it was given a loader or a policy.
 */
function preloadsOf(
  env: NodeJS.ProcessEnv,
  execArgv: string[],
): { required: string[]; imported: string[]; loaderOrPolicy: boolean } {
  const args = [...splitOptions(env.NODE_OPTIONS ?? ''), ...execArgv];
  const required: string[] = [];
  const imported: string[] = [];
  let loaderOrPolicy = false;
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = splitOption(args[i]!);
    const value = (): string => inline ?? args[++i] ?? '';
    if (name === '--require' || name === '-r') required.push(value());
    else if (name === '--import') imported.push(value());
    else if (LOADER_OR_POLICY.has(name)) loaderOrPolicy = true;
  }
  return { required, imported, loaderOrPolicy };
}

function isAgent(preload: string): boolean {
  return preload.includes('hotpatch-agent');
}

/** Options that put something between the agent's hooks and Node's own load. */
const LOADER_OR_POLICY = new Set(['--loader', '--experimental-loader', '--experimental-policy', '--policy-integrity']);

/** An option's name and, when written `--name=value`, its value. */
function splitOption(arg: string): [name: string, value: string | undefined] {
  const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
  return equals < 0 ? [arg, undefined] : [arg.slice(0, equals), arg.slice(equals + 1)];
}

/** NODE_OPTIONS is split on spaces, as Node splits it (quotes aside, which no preload path here needs). */
function splitOptions(options: string): string[] {
  return options.split(/\s+/).filter((o) => o !== '');
}

function isEsmEntry(file: string): boolean {
  const extension = extname(file);
  if (extension === '.mjs' || extension === '.mts') return true;
  if (extension === '.cjs' || extension === '.cts') return false;
  return packageType(dirname(file)) === 'module';
}

/** The `type` of the nearest package.json, as Node reads it for a `.js` file. */
function packageType(dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    try {
      const type = (JSON.parse(readFileSync(join(at, 'package.json'), 'utf8')) as { type?: unknown }).type;
      return typeof type === 'string' ? type : 'commonjs';
    } catch {
      // no package.json here (or not JSON): look further up
    }
    if (dirname(at) === at) return undefined;
  }
}
