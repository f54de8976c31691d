/**
 * The first version of each hot module as the agent made it live (its instrumented code, and
 * for an ES module its exports), kept on disk by the module's code: a restart gets an unchanged
 * module's code from here instead of reading it (parse, scope analysis, reader), which was most
 * of what the agent added to an app's start (issue 13). The tables a later version needs are
 * read from the code when first needed (firstVersionReadLater in live/index.ts), as for any
 * first version.
 *
 * The preload turns it on, next to the library's code cache (code-cache.ts): in the same folder,
 * under the name of the library's build and Node's version, so code made by another build of
 * the agent is never used. What is read here is code the app runs: the folder's rules are the
 * code cache's (only this user can write it), each file is this user's, a regular file others
 * cannot write, opened without following a link, written atomically with mode 0600.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers';
import { folderProblem, keepNewest, readPrivateFile, writePrivateFile } from '../private-files';
import type { FacadeExports } from './esm-facade';

export interface Transform {
  code: string;
  /** An ES module's exports, for its facade. */
  exports?: FacadeExports;
  /** A CommonJS module's own functions, by the names that hold them (see ownFunctionNames). */
  ownFunctions?: string[];
}

export interface TransformCache {
  get(kind: 'cjs' | 'esm', file: string, source: string): Transform | undefined;
  put(kind: 'cjs' | 'esm', file: string, source: string, transform: Transform): void;
}

/** Where the caches go, and the name of this build of the library on this Node. */
export interface CacheLocation {
  dir: string;
  key: string;
}

/** How many modules a build's folder keeps; beyond, the oldest go (each edit of a module adds one). */
const KEPT_TRANSFORMS = 4000;
/** How many builds' folders the cache keeps (the newest): a build has two, the app thread's and the hooks thread's. */
const KEPT_BUILDS = 8;
/** When after its first new entry a process tidies the folder: never during the app's start. */
const TIDY_AFTER_MS = 10_000;

let cache: TransformCache | undefined;

/** Turns the cache on for this thread (the preload and the module hooks thread do). */
export function useTransformCache(location: CacheLocation): void {
  cache = diskCache(location);
}

/** This thread's cache, if it was turned on. */
export function transformCache(): TransformCache | undefined {
  return cache;
}

function diskCache({ dir, key }: CacheLocation): TransformCache {
  const folder = join(dir, `transforms-${key}`);
  let trusted: boolean | undefined;
  let tidying = false;
  const entry = (kind: string, file: string, source: string): string =>
    join(folder, `${createHash('sha256').update(`${kind}\0${file}\0`).update(source).digest('hex')}.json`);
  return {
    get(kind, file, source) {
      // Never a reason for a module not to load: whatever goes wrong, it is read as if there were no entry.
      try {
        trusted ??= existsTrusted(dir, folder);
        if (!trusted) return undefined;
        const text = readPrivateFile(entry(kind, file, source));
        if (text === undefined) return undefined;
        const transform = JSON.parse(text.toString('utf8')) as Transform;
        return typeof transform.code === 'string' ? transform : undefined;
      } catch {
        return undefined; // a damaged entry: read the module again, and write it anew
      }
    },
    put(kind, file, source, transform) {
      try {
        if (!trusted) {
          const created = makeFolder(dir, folder);
          trusted = !folderProblem(folder);
          if (!trusted) return;
          if (created) keepNewest(dir, (name) => name.startsWith('transforms-'), KEPT_BUILDS);
        }
        writePrivateFile(entry(kind, file, source), JSON.stringify(transform));
        if (!tidying) {
          tidying = true;
          setTimeout(() => tidy(folder), TIDY_AFTER_MS).unref();
        }
      } catch {
        // Not kept: the next start reads the module again.
      }
    },
  };
}

function existsTrusted(dir: string, folder: string): boolean {
  try {
    return !folderProblem(dir) && !folderProblem(folder);
  } catch {
    return false; // none yet
  }
}

/** The build's folder, made mode 0700 in the cache folder (itself checked); whether it is new. */
function makeFolder(dir: string, folder: string): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (folderProblem(dir)) throw new Error('untrusted cache folder');
  try {
    mkdirSync(folder, { mode: 0o700 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Keeps the KEPT_TRANSFORMS newest entries. */
function tidy(folder: string): void {
  try {
    keepNewest(folder, () => true, KEPT_TRANSFORMS);
  } catch {
    // tidied by a later process
  }
}
