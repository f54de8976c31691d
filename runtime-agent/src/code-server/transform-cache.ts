/**
 * The first version of each hot module as the agent made it live (its instrumented code, and
 * for an ES module its exports), kept on disk by the module's code: a restart gets an unchanged
 * module's code from here instead of reading it (parse, scope analysis, reader), which was most
 * of what the agent added to an app's start (issue 13). The tables a later version needs are
 * read from the code when first needed (FirstVersionReadLater in live/first-version.ts), as for any
 * first version.
 *
 * The preload turns it on, next to the library's code cache (code-cache.ts): in the same folder,
 * under the name of the library's build and Node's version, so code made by another build of
 * the agent is never used, one log per project (transform-log.ts). What is read here is code the
 * app runs: the folder's rules are the code cache's (only this user can write it), and the log is
 * this user's, a regular file others cannot write, opened without following a link, made with
 * mode 0600, rewritten atomically.
 */
import { join } from 'node:path';
import { setTimeout } from 'node:timers';
import {
  appendPrivateFile,
  folderProblem,
  keepNewest,
  makeFolderIn,
  readPrivateFile,
  writePrivateFile,
} from '../private-files';
import type { FacadeExports } from './esm-facade';
import {
  emptyLog,
  keep,
  logBytes,
  logRecord,
  readLog,
  recordFor,
  transformOf,
  worthRewriting,
  type LogEntries,
} from './transform-log';

export interface Transform {
  code: string;
  /** An ES module's exports, for its facade. */
  exports?: FacadeExports;
  /** What ends an ES module's code served at its own URL with a namespace made from its bindings (see esm-load.ts). */
  boundFooter?: string;
  /** An ES module's code made with no copy of its code in its header (see live/esm-sources.ts). */
  sourceHandedOver?: boolean;
}

export interface TransformCache {
  /** The transform of the module made from `source`: its text, or its UTF-8 bytes. */
  get(kind: 'cjs' | 'esm', file: string, source: string | Uint8Array): Transform | undefined;
  put(kind: 'cjs' | 'esm', file: string, source: string, transform: Transform): void;
}

/** Where the caches go, and the name of this build of the library on this Node. */
export interface CacheLocation {
  dir: string;
  key: string;
}

/** How many projects' logs a build's folder keeps (the newest). */
const KEPT_PROJECTS = 64;
/** How many builds' folders the cache keeps (the newest): a build has two, the app thread's and the hooks thread's. */
const KEPT_BUILDS = 8;
/** When after the log was read the app counts as started (see startedUp): never during its start. */
export const STARTED_AFTER_MS = 10_000;
/** A log longer than this is not read (it is rewritten with this process's transforms). */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

let cache: TransformCache | undefined;

/**
 * Turns the cache on for this thread (the preload and the module hooks thread do), for `app`
 * (appStarted: each app keeps its own log, which holds what it loads).
 */
export function useTransformCache(location: CacheLocation, app: string): void {
  cache = diskCache(location, app);
}

/** What identifies the app this process runs: its working folder and the file it was started with. */
export function appStarted(entry: string | undefined = process.argv[1]): string {
  return `${process.cwd()}\0${entry ?? ''}`;
}

/** This thread's cache, if it was turned on. */
export function transformCache(): TransformCache | undefined {
  return cache;
}

/**
 * The name of `app`'s log (and of its folder of compiled code, app-compile-cache.ts): its
 * text's 64-bit FNV-1a, in hex. It needs no cryptographic hash, nor node:crypto before the
 * agent listens: two apps whose names clash share one log, whose every record names its module
 * and the source it was made from.
 */
export function projectName(app: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < app.length; i++) hash = BigInt.asUintN(64, (hash ^ BigInt(app.charCodeAt(i))) * 0x100000001b3n);
  return hash.toString(16).padStart(16, '0');
}

/**
 * The cache of an app: one log in the build's folder (see transform-log.ts), read at the first
 * module, appended to for each module read anew, let go once the app has started.
 */
function diskCache({ dir, key }: CacheLocation, app: string): TransformCache {
  const folder = join(dir, `transforms-${key}`);
  // Named at the first module, not here: a process that loads none never hashes (issue 13).
  let logFile: string | undefined;
  const log = (): string => (logFile ??= join(folder, `${projectName(app)}.log`));
  let entries: LogEntries | undefined;
  let trusted: boolean | undefined;
  // Only the start's reading shares its text with the modules made from it (transform-log.ts).
  let readBefore = false;
  const read = (): LogEntries => {
    if (entries) return entries;
    trusted ??= existsTrusted(dir, folder);
    try {
      const bytes = trusted ? readPrivateFile(log(), MAX_LOG_BYTES) : undefined;
      entries = bytes ? readLog(bytes, !readBefore) : emptyLog();
    } catch {
      entries = emptyLog(Infinity); // too long to read: rewritten at the first module read anew
    }
    readBefore = true;
    setTimeout(startedUp, STARTED_AFTER_MS).unref();
    return entries;
  };
  const rewrite = (): void => {
    try {
      if (trusted && entries && worthRewriting(entries)) {
        writePrivateFile(log(), logBytes(entries));
        entries.superseded = 0;
      }
    } catch {
      // Rewritten by a later process.
    }
  };
  // The app has loaded its modules: the log is rewritten if worth it, and its text let go (a
  // module loaded later reads it again).
  const startedUp = (): void => {
    rewrite();
    entries = undefined;
  };
  return {
    get(kind, file, source) {
      // Never a reason for a module not to load: whatever goes wrong, it is read as if there were no entry.
      try {
        const record = recordFor(read(), kind, file, source);
        return record ? (transformOf(record) as Transform) : undefined;
      } catch {
        return undefined; // a damaged record: the module is read again, and its record written anew
      }
    },
    put(kind, file, source, transform) {
      try {
        const kept = read();
        if (!trusted) {
          const created = makeFolderIn(dir, folder);
          trusted = !folderProblem(folder);
          if (!trusted) return;
          if (created) keepNewest(dir, (name) => name.startsWith('transforms-'), KEPT_BUILDS);
        }
        const record = logRecord(kind, file, source, transform);
        keep(kept, record);
        if (worthRewriting(kept)) {
          rewrite();
          return;
        }
        const createdLog = appendPrivateFile(log(), record);
        if (createdLog) keepNewest(folder, (name) => name.endsWith('.log'), KEPT_PROJECTS);
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
