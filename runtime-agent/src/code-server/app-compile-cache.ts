/**
 * Node's compile cache (`module.enableCompileCache`, Node ≥ 22.1) for the app's modules, turned
 * on by the preload next to the transform cache (issue 13). A hot module's first version is its
 * code made live (live/instrument.ts), several times the original's length: V8 compiled 2,000
 * small ES modules in 24 ms as written and in 80–100 ms made live (Node 22), the largest part of
 * what the agent added to such an app's start once their transforms came from the transform
 * cache. With V8's code cache of each, read from disk, that start took 35–45 ms less. Node checks
 * each entry against the code's hash and V8's version and flags, so a changed module, or code
 * made by another build of the agent, is compiled again and its entry replaced.
 *
 * Where: a folder per project (as the transform log, by the same name), mode 0700, in the
 * agent's cache folder, whose rules (only this user can write it) it keeps: Node reads the
 * entries without checking who wrote them, and what it reads is code the app runs. Node writes
 * new entries at the process's exit; an app under development usually ends by a signal, so
 * they are written too once the app has had a turn, and when it has started (STARTED_AFTER_MS).
 *
 * Where the app turned it on itself (NODE_COMPILE_CACHE), the app's folder is used, its entries
 * written at the same times. Node 20 has no such cache.
 */
import { lstatSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
// Node's own: the agent's timer ownership later wraps the global ones (timer-ownership.ts).
import { setImmediate, setTimeout } from 'node:timers';
import { keepNewest, makeFolderIn, ownerProblem } from '../private-files';
import { STARTED_AFTER_MS, projectName, type CacheLocation } from './transform-cache';

/** How many projects' folders the cache keeps (the newest). */
const KEPT_PROJECTS = 64;

/** What Node ≥ 22.1 adds to node:module (absent from Node 20's types). */
interface CompileCacheApi {
  enableCompileCache?(dir: string): { status: number };
  getCompileCacheDir?(): string | undefined;
  flushCompileCache?(): void;
  constants?: { compileCacheStatus?: { ENABLED: number } };
}

/**
 * Turns Node's compile cache on for this process in `location`'s folder for `app`, unless the
 * app did, and writes its entries at the times above. Never throws: a cache is never a reason
 * not to start.
 */
export function cacheAppCompiles(location: CacheLocation, app: string): void {
  const node = Module as unknown as CompileCacheApi;
  if (typeof node.enableCompileCache !== 'function') return;
  try {
    if (node.getCompileCacheDir?.() === undefined) {
      const projects = join(location.dir, 'compiled');
      const folder = join(projects, projectName(app));
      if (!privateFolder(location.dir, projects, folder)) return;
      const { status } = node.enableCompileCache(folder);
      if (status !== node.constants?.compileCacheStatus?.ENABLED) return;
    }
    const flush = (): void => {
      try {
        node.flushCompileCache?.();
      } catch {
        // written at the exit, or compiled again next time
      }
    };
    setImmediate(flush).unref();
    setTimeout(flush, STARTED_AFTER_MS).unref();
  } catch {
    // compiled as without the cache
  }
}

/**
 * `folder` made (mode 0700) in `projects` in the cache folder `dir`, each checked: only this
 * user can write `dir` and `projects` (makeFolderIn throws otherwise), and none but this user
 * can even enter `folder` (Node makes its own folders inside with the process's umask). Whether
 * `folder` may be used.
 */
function privateFolder(dir: string, projects: string, folder: string): boolean {
  makeFolderIn(dir, projects);
  const created = makeFolderIn(projects, folder);
  // Made 0700 here (the umask only takes bits away): a folder others could enter was made by
  // someone else, or loosened since, and may hold their entries.
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || ownerProblem(stat, '') || (stat.mode & 0o077) !== 0) return false;
  if (created) keepNewest(projects, () => true, KEPT_PROJECTS);
  return true;
}
