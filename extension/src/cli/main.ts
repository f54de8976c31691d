/**
 * `hotpatch`: the terminal front end of the engine.
 *   hotpatch ls [--json]         the running agents, their hot modules and versions
 *   hotpatch ps [--json]         the running agents' server processes
 *   hotpatch watch [DIR]         hot-load every file saved under DIR, checking state types
 *   hotpatch load FILE... [--json] [--restart] [--migrate]
 *                                compile, then upgrade every agent that runs one of the FILEs in
 *                                one transaction, all files one release (prepare everywhere,
 *                                commit only if all prepared; see load.ts); offer a restart for
 *                                what could not apply in place; --migrate writes the codeChange
 *                                migrations changed state types need (migrate.ts)
 *   hotpatch restart [PID...]    restart running apps with the same command line
 *   hotpatch server status|stop  this folder's load server, which keeps TypeScript warm for
 *                                `load` (load-server/)
 */
import { Command, Option } from 'commander';
import { config as zodConfig } from 'zod/mini';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../engine/agent-client';
import { defaultDiscoveryDir } from '../engine/discovery';
import type { GlobalOptions } from './agents';

// Each command's code is imported when the command runs, not with the CLI: the bundle
// (cli/build.mjs) evaluates it then, so `ls` does not run the save pipeline's, esbuild's,
// chokidar's or TypeScript's module code, which only `load` and `watch` need.

export async function main(argv: string[]): Promise<number> {
  // zod compiles a function for each object schema at its first check, which pays off only in
  // a process that checks many messages; a command checks a few replies and exits (`ls`: ≈3 ms
  // less). The checks are the same.
  zodConfig({ jitless: true });
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
      const { list } = await import('./listing.js');
      exitCode = await list({ ...program.opts<GlobalOptions>(), ...options });
    });
  program
    .command('ps')
    .description('list the server processes of every running agent')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const { processes } = await import('./listing.js');
      exitCode = await processes({ ...program.opts<GlobalOptions>(), ...options });
    });
  program
    .command('watch')
    .description('hot-load every JS/TS file saved under DIR (default: the current folder), with state-type checks')
    .argument('[dir]', 'folder to watch', '.')
    .option('--debounce <ms>', 'wait this long after a save before loading', '50')
    .action(async (dir: string, options: { debounce: string }) => {
      // TypeScript from the code cache before watch.ts requires it (typescript-code-cache.ts).
      const typescriptUsed = (await import('./typescript-code-cache.js')).typescriptFromCodeCache();
      const { watchDir } = await import('./watch.js');
      const watching = watchDir(dir, { ...program.opts<GlobalOptions>(), ...options });
      // Its cache is made in the next turn, of what the watch's start compiled (it warms its analysis).
      typescriptUsed();
      exitCode = await watching;
    });
  program
    .command('load')
    .description('compile FILEs with esbuild and upgrade every agent that runs them: all or none')
    .argument('<files...>')
    .option('--json', 'machine-readable output')
    .option('--restart', 'restart the apps where something could not apply in place, without asking')
    .option('--migrate', 'write the codeChange migrations changed state types need into the files, then load')
    .action(async (files: string[], options: { json?: boolean; restart?: boolean; migrate?: boolean }) => {
      const { loadCommand } = await import('./load-command.js');
      exitCode = await loadCommand(files, { ...program.opts<GlobalOptions>(), ...options });
    });
  program
    .command('serve-loads', { hidden: true })
    .description("run this folder's load server (started by hotpatch load)")
    .action(async () => {
      const { serveLoads } = await import('./load-server/server.js');
      exitCode = await serveLoads();
    });
  const server = program
    .command('server')
    .description(
      "the load server that keeps TypeScript warm for this folder's loads (HOTPATCH_LOAD_SERVER=0 turns it off)",
    );
  server
    .command('status')
    .description("whether this folder's load server is up, and what it has done")
    .action(async () => {
      const { sayStatus } = await import('./load-server/client.js');
      await sayStatus();
    });
  server
    .command('stop')
    .description("stop this folder's load server (after the load it runs, if any)")
    .action(async () => {
      const { stopServer } = await import('./load-server/client.js');
      await stopServer();
    });
  program
    .command('restart')
    .description('restart running apps (all, or those with the given pids) with the same command line')
    .argument('[pids...]')
    .action(async (pids: string[]) => {
      const { restartApps } = await import('./restart.js');
      exitCode = await restartApps(pids, program.opts<GlobalOptions>());
    });
  await program.parseAsync(argv);
  return exitCode;
}
