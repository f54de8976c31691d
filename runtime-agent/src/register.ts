/**
 * Zero-code-change entry: `node -r hotpatch-agent/register app.js` or
 * `node --import hotpatch-agent/register app.mjs`. Options come from HOTPATCH_* variables.
 * Never takes the app down: a refusal or failure to start is one line on stderr.
 *
 * What a preload does runs in every process it reaches, before anything of the app (issue 13:
 * the agent costs the app nothing measurable). So this file does the least it can at once:
 *
 * - An ES module app (started with `--import`, or whose entry is an ES module) gets the agent
 *   now: its module hooks must be in place before the entry is imported.
 * - A CommonJS app gets it as Node compiles the first module (the entry, or a module another
 *   preload requires), before that module's first line runs: what the app sees is the same. A
 *   process that compiles none (`node -e 0`, a script in an `-e`) gets it in its event loop's
 *   first turn, and one that ends before never loads the library, nor what it requires.
 */
// Node's startup snapshot holds these two: they cost nothing to import.
import Module from 'node:module';
import { isAbsolute, join } from 'node:path';
import type * as Library from './index';
import type * as CodeCache from './code-cache';
import type * as Options from './options';
import { esmHooksNeeded } from './esm-hooks-needed';
import { launcherEntry } from './launchers';
import { waitForPredecessor } from './predecessor';
import { errorMessage } from './error-message';

interface CompilingModule {
  _compile(content: string, filename: string, ...rest: unknown[]): unknown;
}

// Through NODE_OPTIONS (a debug launch) the preload reaches every Node process of the tree,
// npm's and tsx's launchers among them: those get no agent.
const launcher = process.env.HOTPATCH_APP_PROCESSES_ONLY === '1' ? launcherEntry(process.argv) : undefined;
if (!launcher) {
  if (esmHooksNeeded()) startInMainThread();
  else startAtFirstModule();
}

/**
 * Starts the agent as the first module compiles, or in the first turn, whichever comes first.
 * The wrapper gives `_compile` back before the library loads, so that the library's own hook
 * (code-server.ts) wraps Node's, as when it starts at once. If a later preload wrapped ours in
 * the meantime, ours stays as a pass-through under theirs, and the module compiling now is not
 * hot (theirs has already transformed it: ours cannot run it through the agent's hook again).
 */
function startAtFirstModule(): void {
  const prototype = (Module as unknown as { prototype: CompilingModule }).prototype;
  const nodeCompile = prototype._compile;
  const library = libraryFile();
  let started = false;
  const startOnce = (): void => {
    if (started) return;
    started = true;
    if (prototype._compile === compileStartingAgent) prototype._compile = nodeCompile;
    startInMainThread();
  };
  function compileStartingAgent(this: CompilingModule, content: string, filename: string, ...rest: unknown[]): unknown {
    // Not a module's file: the code of an `-e` (Node compiles it as "[eval]-wrapper"). Nor the
    // app's own `require('hotpatch-agent')` before any module of its own: the library loads as it would.
    if (started || !isAbsolute(filename) || filename === library)
      return nodeCompile.call(this, content, filename, ...rest);
    const wrappedByAnother = prototype._compile !== compileStartingAgent;
    startOnce();
    // Ours given back: `_compile` is now the agent's hook (or Node's, if the agent refused to start).
    const compile = wrappedByAnother ? nodeCompile : prototype._compile;
    return compile.call(this, content, filename, ...rest);
  }
  prototype._compile = compileStartingAgent;
  // Unref'd: the turn it waits for never comes in a process with nothing left to do.
  setImmediate(startOnce).unref();
}

/**
 * Whether this is the process's main thread. A worker thread's start has loaded worker_threads
 * already; in the main thread, loading it to ask took 3 ms of Node's own modules (its streams
 * among them) that an app may never need (issue 13). So it is loaded only where it is there
 * already, or where Node does not list what it loaded.
 */
function inMainThread(): boolean {
  const loaded = (process as { moduleLoadList?: unknown }).moduleLoadList;
  if (Array.isArray(loaded) && !loaded.includes('NativeModule worker_threads')) return true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:worker_threads') as typeof import('node:worker_threads')).isMainThread;
}

/** The library next to this file: the app's own `require('hotpatch-agent')` gets the same instance. */
function libraryFile(): string {
  return join(__dirname, 'index.js');
}

/**
 * Preloads also run in worker threads, the module-hooks thread among them: the agent belongs
 * to the main thread only.
 */
function startInMainThread(): void {
  if (!inMainThread()) return;
  // An app the agent restarted starts once the process it replaces has freed its ports.
  waitForPredecessor();
  startFromEnv();
}

function startFromEnv(): void {
  const refuse = (error: unknown): void => {
    console.error(`[hotpatch] agent not started: ${errorMessage(error)}`);
  };
  let started: ReturnType<typeof Library.start>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { requireWithCodeCache } = require('./code-cache') as typeof CodeCache;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { optionsFromEnv } = require('./options') as typeof Options;
    // The library itself, shared with the app's own `require('hotpatch-agent')`.
    const library = requireWithCodeCache(libraryFile());
    const { start, programsRead, useTransformCache, cacheAppCompiles, appStarted } = library.exports as typeof Library;
    if (library.location) {
      const app = appStarted();
      useTransformCache(library.location, app);
      cacheAppCompiles(library.location, app);
    }
    // Synchronous up to the module hooks: they must be in place before the app's first require.
    started = start(optionsFromEnv(), { listenWhenLoopTurns: true });
    // Not made again after the first save (as the parser's and transport's are): every start
    // reads this cache, and the save's code in it made each start ≈3 ms slower (code-cache.ts).
    library.saveWhenWarm(() => programsRead() > 0);
  } catch (error) {
    refuse(error);
    return;
  }
  started.then((agent) => {
    if (process.env.HOTPATCH_QUIET !== '1') {
      console.error(`[hotpatch] agent for ${agent.options.appName} listening on ${agent.url} (pid ${process.pid})`);
    }
  }, refuse);
}
