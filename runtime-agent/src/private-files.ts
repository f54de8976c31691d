/**
 * Files only this user can have written: the discovery record (it holds the token), and the
 * caches of code the app runs (code-cache.ts, code-server/transform-cache.ts). A folder another
 * user owns or can write to, or a file that is not this user's own regular file, is not used;
 * files are written atomically, mode 0600, never through a file or link someone put in the way.
 */
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';

/** Why `dir` (which exists) must not hold such files, or undefined. */
export function folderProblem(dir: string): string | undefined {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (!stat.isDirectory()) return 'it is not a folder';
  return ownerProblem(stat, 'run chmod 700 on it');
}

/** Why what `stat` describes may have been written by another user (not ours, or writable by others), or undefined. */
export function ownerProblem(stat: Stats, fix: string): string | undefined {
  if (typeof process.getuid !== 'function') return undefined; // Windows: ACLs, not modes
  if (stat.uid !== process.getuid())
    return `it belongs to uid ${stat.uid}, not to this process's uid ${process.getuid()}`;
  if ((stat.mode & 0o022) !== 0) {
    return `other users can write to it (mode ${(stat.mode & 0o777).toString(8)}); ${fix}`;
  }
  return undefined;
}

/**
 * `file`'s bytes when it is a regular file of this user's that others cannot write; opened
 * without following a link. Undefined when it is not, or is not there. Throws a RangeError
 * when it is longer than `maxBytes`.
 */
export function readPrivateFile(file: string, maxBytes = Infinity): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined; // none yet (or a link, not followed)
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || ownerProblem(stat, 'it is not read')) return undefined;
    if (stat.size > maxBytes) throw new RangeError(`${file} is longer than ${maxBytes} bytes`);
    return readFileSync(fd);
  } catch (error) {
    if (error instanceof RangeError) throw error;
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Writes `file` atomically (a temporary file, then renamed) with mode 0600. Throws what fails. */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.${process.hrtime.bigint()}.tmp`;
  // 'wx': never through a file (or symlink) someone put at that name.
  writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600); // the umask may have narrowed it, never widened; make it exact
  renameSync(temporary, file);
}

/**
 * Appends `bytes` to `file`, made mode 0600 if it is not there; a file that is not this user's
 * own regular file (or is a link) is not written. One write: appends of several processes do
 * not interleave within it. Whether the file was new; throws what fails.
 */
export function appendPrivateFile(file: string, bytes: Uint8Array): boolean {
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
    0o600,
  );
  try {
    const stat = fstatSync(fd);
    const problem = stat.isFile() ? ownerProblem(stat, 'it is not written') : 'it is not a regular file';
    if (problem) throw new Error(`${file}: ${problem}`);
    writeSync(fd, bytes);
    return stat.size === 0;
  } finally {
    closeSync(fd);
  }
}

/**
 * `folder` made mode 0700 in `parent`, which is made first if need be and checked (only this
 * user can write it); whether `folder` is new. Throws when `parent` is another user's to write.
 */
export function makeFolderIn(parent: string, folder: string): boolean {
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const problem = folderProblem(parent);
  if (problem) throw new Error(`untrusted cache folder ${parent}: ${problem}`);
  try {
    mkdirSync(folder, { mode: 0o700 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Of `dir`'s entries whose names `matches`, keeps the `kept` last modified; removes the others. */
export function keepNewest(dir: string, matches: (name: string) => boolean, kept: number): void {
  const entries = readdirSync(dir).filter(matches);
  if (entries.length <= kept) return;
  const byAge = entries
    .map((name) => ({ path: join(dir, name), mtimeMs: lstatSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of byAge.slice(kept)) {
    try {
      rmSync(old.path, { recursive: true, force: true });
    } catch {
      // left for a later process
    }
  }
}
