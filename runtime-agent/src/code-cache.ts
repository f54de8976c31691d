/**
 * The agent's library (dist/index.js, ≈500 KB) loaded with V8's code cache, as Node ≥ 22.1's
 * `module.enableCompileCache()` does for a whole app: compiling it was 8 of the ≈20 ms the
 * preload added to every start of an app, reading the cache takes 2 (issue 13). Only this file
 * is cached; the app's own modules load as Node loads them.
 *
 * A cache is code the app runs: it is read from and written to a folder only this user can
 * write (the discovery folder's rules, discovery.ts), `~/.hotpatch/cache` or
 * `$HOTPATCH_CACHE_DIR` (empty: no cache), as a regular file of this user's that others cannot
 * write. V8 checks that a cache was made by its own version with the same flags, but of the
 * source only its length: the file's name carries the library's size and modification time and
 * Node's version. A cache V8 rejects is removed, and made anew by the next start.
 */
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileFunction, constants } from 'node:vm';
import { folderProblem, ownerProblem } from './discovery';

/** How many caches the folder keeps (the newest). */
const KEPT = 8;

/** `$HOTPATCH_CACHE_DIR` (empty turns the cache off), else `~/.hotpatch/cache`. */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.HOTPATCH_CACHE_DIR;
  if (dir !== undefined) return dir === '' ? undefined : dir;
  return join(homedir(), '.hotpatch', 'cache');
}

/**
 * `require(file)` of a CommonJS file, compiled with the code cache in `cacheDir` when there is a
 * trusted one, which is written when there was none. The module goes in
 * require's cache as Node would put it there: the app's own `require` of it gets this instance.
 */
export function requireWithCodeCache(file: string, cacheDir: string | undefined = codeCacheDir()): unknown {
  const loaded = require.cache[file];
  if (loaded) return loaded.exports;
  if (!cacheDir) return Module.createRequire(file)(file);
  const source = readFileSync(file, 'utf8');
  const cacheFile = join(cacheDir, cacheName(file));
  const cachedData = readTrusted(cacheDir, cacheFile);
  // As Node compiles a CommonJS module (its source as a function's body, never copied into a
  // wrapper): that also keeps the app's memory at start below a plain require's.
  const compiled = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], {
    filename: file,
    cachedData,
    produceCachedData: !cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as Function & { cachedData?: Buffer; cachedDataRejected?: boolean };
  const module = new Module(file);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  require.cache[file] = module;
  try {
    compiled.call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  } catch (error) {
    delete require.cache[file];
    throw error;
  }
  module.loaded = true;
  if (compiled.cachedData) writeTrusted(cacheDir, cacheFile, compiled.cachedData);
  // Made by another V8 or for other flags: the next start, finding none, makes one.
  else if (compiled.cachedDataRejected) removeQuietly(cacheFile);
  return module.exports;
}

function cacheName(file: string): string {
  const { size, mtimeMs } = statSync(file);
  const library = `${size}-${Math.trunc(mtimeMs)}`;
  return `agent-${library}-node${process.version}-${process.platform}-${process.arch}.v8cache`;
}

/** The cache, when the folder and the file are ones only this user can have written. */
function readTrusted(dir: string, file: string): Buffer | undefined {
  try {
    if (folderProblem(dir)) return undefined;
    const stat = lstatSync(file);
    if (!stat.isFile() || ownerProblem(stat, 'it is not read')) return undefined;
    return readFileSync(file);
  } catch {
    return undefined; // none yet
  }
}

/**
 * Written atomically (a temporary file, then renamed), mode 0600, in a folder only this user can
 * write. The folder keeps the KEPT newest caches: each build or install of the library, and each
 * Node version, makes one.
 */
function writeTrusted(dir: string, file: string, data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (folderProblem(dir)) return;
    const temporary = `${file}.${process.pid}.${process.hrtime.bigint()}.tmp`;
    // 'wx': never through a file (or symlink) someone put at that name.
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    chmodSync(temporary, 0o600);
    renameSync(temporary, file);
    const caches = readdirSync(dir)
      .filter((name) => name.startsWith('agent-') && name.endsWith('.v8cache'))
      .map((name) => ({ path: join(dir, name), mtimeMs: lstatSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const old of caches.slice(KEPT)) removeQuietly(old.path);
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
