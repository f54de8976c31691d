/**
 * The agent's library (dist/index.js, ≈400 KB; the parser libraries, loaded to read a module,
 * live/parsers.ts; the transport's, loaded at the first connection,
 * transport/transport-libraries-loader.ts; and the module hooks of esm-hooks.ts, in their own
 * thread on Node 20)
 * loaded with V8's code cache, as Node ≥ 22.1's `module.enableCompileCache()` does for a
 * whole app: compiling it was 8 of the ≈20 ms the preload added to every start of an app,
 * reading the cache takes 2 (issue 13). Only these files are cached here; the app's own
 * modules load as Node loads them.
 *
 * V8 compiles most functions only when first called, and a cache holds the functions compiled
 * when it is made. So the cache is made once the agent has worked (read one of the app's
 * modules in this thread: on Node 20 an ES module app's are read in the hooks thread), not
 * when the library was compiled: the parser and the reader then come from the cache too,
 * ≈10 ms less to an Express app's first response. A process that has not worked as its first
 * turn ends, and found no cache, makes one of what its start compiled then (a process stopped
 * by a signal has no exit to make it at), which the first one that works replaces. A save runs
 * code a start does not: the parser's and the transport's libraries, which a start reads only
 * when it must read a module or a client connects, make their cache
 * once more after the first save committed, with that code (`saveAfterFirstCommit`), so that
 * the app's next start has its first save as fast as the next ones. The library does not:
 * V8 reads a cache whole, and every start of the app reads the library's. With the save's code
 * its cache was half as large again (≈540 KB against ≈345 KB) and a start took 3–4 ms longer
 * to read it, against ≈3 ms that a first save spends compiling that code instead (issue 13:
 * startup missed its goal, the first save met its own with ten milliseconds to spare).
 *
 * A cache is code the app runs: it is read from and written to a folder only this user can
 * write (the discovery folder's rules, private-files.ts), `~/.hotpatch/cache` or
 * `$HOTPATCH_CACHE_DIR` (empty: no cache), as a regular file of this user's that others cannot
 * write. V8 checks that a cache was made by its own version with the same flags, but of the
 * source only its length: the file's name carries the library's size and modification time and
 * Node's version. A cache V8 rejects is removed, and made anew.
 */
import { isAscii } from 'node:buffer';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
// Node's own: the agent's timer ownership later wraps the global ones (timer-ownership.ts).
import { setTimeout } from 'node:timers';
import { Script, constants } from 'node:vm';
import { folderProblem, keepNewest, readPrivateFile, writePrivateFile } from './private-files';

/**
 * How many caches the folder keeps (the newest): a build makes one for each of its bundles (the
 * library, the parser's and the transport's libraries, the hooks thread's) on each Node version,
 * and the CLI and the language server theirs. Sixteen were fewer than four Node versions' (as
 * the tests and benchmarks run) and the CLI's: their caches pushed one another out, and each
 * start without one compiled the library again (issue 13).
 */
const KEPT = 32;
/** How often, and how many times, a process checks whether the agent has worked. */
const SAVE_CHECK_MS = 250;
const SAVE_CHECKS = 40;
/** How long after the first commit its cache is made: after the save's replies, not in their way. */
const SAVED_DELAY_MS = 1000;

/**
 * What a cache holds: `saved`, the functions compiled once a save was committed; `warm`, those
 * compiled once the agent has worked; `start`, those of a process that had not worked as its
 * first turn ended, or at its exit.
 */
type Stage = 'saved' | 'warm' | 'start';
/** The stages, from the one made after the most work. */
const STAGES: readonly Stage[] = ['saved', 'warm', 'start'];

/** `$HOTPATCH_CACHE_DIR` (empty turns the cache off), else `~/.hotpatch/cache`. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.HOTPATCH_CACHE_DIR;
  if (dir !== undefined) return dir === '' ? undefined : dir;
  return join(homedir(), '.hotpatch', 'cache');
}

export interface CachedLibrary {
  exports: unknown;
  /** The cache folder and the name of this build of the library on this Node; none when caching is off. */
  location?: { dir: string; key: string };
  /**
   * Makes the cache once `worked()`; when there was no cache at all, a start's cache as the
   * first turn ends without work, or at the exit; nothing when the cache read was made after
   * work. `worked` is checked as the process's first turn ends (a CommonJS app has loaded its
   * modules then), then now and then, at the exit, and in the next turn after each call of the
   * function returned (for a thread that knows when it works, as the module hooks'): an app
   * under development usually ends by a signal, which has no exit to make the cache at.
   */
  saveWhenWarm(worked: () => boolean): () => void;
  /**
   * Makes the cache once more a while after `afterFirstCommit` calls back (the first save
   * committed), unless the cache read was made after a save.
   */
  saveAfterFirstCommit(afterFirstCommit: (callback: () => void) => void): void;
}

/**
 * `require(file)` of a CommonJS file, compiled with the code cache in `cacheDir` when there is a
 * trusted one. The module goes in require's cache as Node would put it there: the app's own
 * `require` of it gets this instance.
 */
export function requireWithCodeCache(file: string, cacheDir: string | undefined = codeCacheDir()): CachedLibrary {
  const loaded = require.cache[file];
  if (loaded) return { exports: loaded.exports, ...noCache };
  if (!cacheDir) return { exports: Module.createRequire(file)(file), ...noCache };
  const names = cacheNames(file);
  const read = readCache(cacheDir, names);
  // As Node wraps a CommonJS module, a line of its own so that lines and columns stay the
  // file's. A script, not `vm.compileFunction`: only a script's cache can be made after it ran.
  // (On Node 20 the functions of a cache another process made have no dynamic import(): "A
  // dynamic import callback was not specified". A cached file must not use it.)
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${readSource(file)}\n})`, {
    filename: file,
    lineOffset: -1,
    cachedData: read?.data,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  let have = read?.stage;
  if (read && script.cachedDataRejected) {
    // Made by another V8 or for other flags: this process makes one anew.
    removeQuietly(join(cacheDir, names[read.stage]));
    have = undefined;
  }
  const wrapper = script.runInThisContext() as Function;
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  require.cache[file] = module;
  try {
    wrapper.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  module.loaded = true;
  const save = (stage: Stage): void => {
    try {
      writeTrusted(cacheDir, join(cacheDir, names[stage]), script.createCachedData());
      // The caches of the stages before it hold less: the next start reads this one.
      for (const before of STAGES.slice(STAGES.indexOf(stage) + 1)) removeQuietly(join(cacheDir, names[before]));
    } catch {
      // The next start compiles the library again: only time is lost.
    }
  };
  return {
    exports: module.exports,
    location: { dir: cacheDir, key: names.key },
    saveWhenWarm(worked) {
      if (have === 'warm' || have === 'saved') return () => undefined;
      let saved = false;
      const atExit = (): void => {
        if (worked()) save('warm');
        else if (!have) save('start');
      };
      process.once('exit', atExit);
      const check = (): boolean => {
        if (saved || !worked()) return false;
        saved = true;
        process.removeListener('exit', atExit);
        save('warm');
        return true;
      };
      let checks = 0;
      const checkNowAndThen = (): void => {
        if (check() || saved) return;
        if (!have) {
          // No cache at all, and no work as the first turn ends: a start's cache now, not only
          // at the exit. A process stopped by a signal (Ctrl-C, how an app under development
          // ends) has none, and one whose work is elsewhere never works here (an ES module
          // app's on Node 20, read in the hooks thread; a CommonJS app's whose modules all come
          // from the transform cache): each of its starts compiled the library anew (issue 13).
          save('start');
          have = 'start';
        }
        if (++checks < SAVE_CHECKS) setTimeout(checkNowAndThen, SAVE_CHECK_MS).unref();
      };
      setTimeout(checkNowAndThen, 0).unref();
      let soon = false;
      return () => {
        if (saved || soon) return;
        soon = true;
        setTimeout(() => {
          soon = false;
          check();
        }, 0).unref();
      };
    },
    saveAfterFirstCommit(afterFirstCommit) {
      if (have === 'saved') return;
      afterFirstCommit(() => setTimeout(() => save('saved'), SAVED_DELAY_MS).unref());
    },
  };
}

/**
 * The library's text. esbuild writes its bundles in ASCII (non-ASCII characters escaped), and
 * ASCII read as Latin-1 is the same text, made without UTF-8's decoding: a third less time for
 * the CLI's 0.6 MB, which every run reads.
 */
function readSource(file: string): string {
  const bytes = readFileSync(file);
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/** A library loaded without a cache of this module's: nothing to make. */
const noCache: Pick<CachedLibrary, 'saveWhenWarm' | 'saveAfterFirstCommit'> = {
  saveWhenWarm: () => () => undefined,
  saveAfterFirstCommit: () => undefined,
};

/** The file names of this library's caches, by stage, and the build's name they share. */
function cacheNames(file: string): Record<Stage | 'key', string> {
  const { size, mtimeMs } = statSync(file);
  const key = `${basename(file, '.js')}-${size}-${Math.trunc(mtimeMs)}-node${process.version}-${process.platform}-${process.arch}`;
  return {
    key,
    saved: `agent-${key}.saved.v8cache`,
    warm: `agent-${key}.v8cache`,
    start: `agent-${key}.start.v8cache`,
  };
}

/** The trusted cache made after the most work: only from a folder only this user can write. */
function readCache(dir: string, names: Record<Stage, string>): { stage: Stage; data: Buffer } | undefined {
  try {
    if (folderProblem(dir)) return undefined;
  } catch {
    return undefined; // none yet
  }
  for (const stage of STAGES) {
    const data = readPrivateFile(join(dir, names[stage]));
    if (data) return { stage, data };
  }
  return undefined;
}

/**
 * Written atomically, mode 0600, in a folder only this user can write. The folder keeps the
 * KEPT newest caches: each build or install of the library, and each Node version, makes one.
 */
function writeTrusted(dir: string, file: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (folderProblem(dir)) return;
    writePrivateFile(file, data);
    keepNewest(dir, (name) => name.startsWith('agent-') && name.endsWith('.v8cache'), KEPT);
  } catch {
    // The next start compiles the library again: only time is lost.
  }
}

/** A cache file removed, or left when it cannot be: a cache is never a reason not to start. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // only a stale cache stays
  }
}
