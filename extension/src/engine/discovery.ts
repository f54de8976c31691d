/**
 * Finding running agents: every `<pid>.json` in the discovery folder whose process is alive.
 * Records of processes that died without cleaning up are skipped (and removed when ours).
 *
 * The folder is a trust boundary: whoever can write a record there decides where `hotpatch
 * load` and the language server send the user's source, and with which token. So a record is
 * read only from a folder that is this user's and writable by no one else, only when it is a
 * regular file (never a symlink, FIFO or device: opened with O_NOFOLLOW | O_NONBLOCK and
 * checked on the open descriptor, so nothing can block or be swapped in between), this user's,
 * mode 0600 and at most 64 KiB; and its URL must be `ws://` to a loopback address with a port.
 * Anything else is skipped with a reason for the client's log.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DiscoveryRecord } from 'hotpatch-agent/protocol';

/** The largest record read; an agent writes about 400 bytes. */
export const MAX_RECORD_BYTES = 64 * 1024;

/** Called with a sentence for each folder or record refused. */
export type RefusalLog = (message: string) => void;

/** `$HOTPATCH_DISCOVERY_DIR`, else `~/.hotpatch/agents` — the agent's own default. */
export function defaultDiscoveryDir(): string {
  return process.env.HOTPATCH_DISCOVERY_DIR || join(homedir(), '.hotpatch', 'agents');
}

export function readDiscoveryDir(
  dir: string = defaultDiscoveryDir(),
  refused: RefusalLog = () => {},
): DiscoveryRecord[] {
  let names: string[];
  try {
    const problem = folderProblem(dir);
    if (problem) {
      refused(`ignoring the discovery folder ${dir}: ${problem}`);
      return [];
    }
    names = readdirSync(dir);
  } catch {
    return []; // no agent has run yet
  }
  const records: DiscoveryRecord[] = [];
  for (const name of names.filter(isRecordName).sort()) {
    const file = join(dir, name);
    const read = readRecord(file);
    if ('problem' in read) {
      if (read.problem) refused(`ignoring ${file}: ${read.problem}`);
      continue;
    }
    if (!isAlive(read.record.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    records.push(read.record);
  }
  return records;
}

/** `<digits>.json`, the names agents write (their temporary files end in `.tmp`). */
function isRecordName(name: string): boolean {
  const stem = name.endsWith('.json') ? name.slice(0, -'.json'.length) : '';
  return stem.length > 0 && [...stem].every((c) => c >= '0' && c <= '9');
}

/** Why the folder cannot be trusted, or undefined. Throws when it does not exist. */
export function folderProblem(dir: string): string | undefined {
  const stat = lstatSync(dir);
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (!stat.isDirectory()) return 'it is not a folder';
  if (typeof process.getuid !== 'function') return undefined; // Windows: ACLs, not modes
  if (stat.uid !== process.getuid()) return `it belongs to uid ${stat.uid}, not to you (uid ${process.getuid()})`;
  if ((stat.mode & 0o022) !== 0) {
    return `other users can write to it (mode ${(stat.mode & 0o777).toString(8)}); run chmod 700 on it`;
  }
  return undefined;
}

/** The record, or why it was skipped (an empty problem: being written, say nothing). */
function readRecord(file: string): { record: DiscoveryRecord } | { problem: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { problem: 'it is a symbolic link' };
    return { problem: code === 'ENOENT' ? '' : `cannot open it (${code ?? String(error)})` };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: 'it is not a regular file' };
    if (typeof process.getuid === 'function') {
      if (stat.uid !== process.getuid()) return { problem: `it belongs to uid ${stat.uid}, not to you` };
      if ((stat.mode & 0o777) !== 0o600) {
        return { problem: `its mode is ${(stat.mode & 0o777).toString(8)}, not 600` };
      }
    }
    if (stat.size > MAX_RECORD_BYTES) return { problem: `it is ${stat.size} bytes, more than ${MAX_RECORD_BYTES}` };
    const buffer = Buffer.alloc(MAX_RECORD_BYTES + 1);
    const length = readSync(fd, buffer, 0, buffer.length, 0);
    if (length > MAX_RECORD_BYTES) return { problem: `it is more than ${MAX_RECORD_BYTES} bytes` };
    let value: unknown;
    try {
      value = JSON.parse(buffer.toString('utf8', 0, length));
    } catch {
      return { problem: '' }; // being written (agents rename a complete file into place, but a copy may not)
    }
    const problem = recordProblem(value);
    return problem ? { problem } : { record: value as DiscoveryRecord };
  } finally {
    closeSync(fd);
  }
}

/** Why a parsed record is not one an agent writes, or undefined. */
export function recordProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'it is not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.pid !== 'number' || !Number.isInteger(record.pid) || record.pid <= 0) {
    return '"pid" is not a process id';
  }
  for (const field of ['url', 'token', 'appName', 'root', 'nodeVersion', 'startedAt', 'agentVersion']) {
    if (typeof record[field] !== 'string') return `"${field}" is not a string`;
  }
  if (typeof record.protocolVersion !== 'number') return '"protocolVersion" is not a number';
  const token = record.token as string;
  if (token.length === 0 || token.length > 1024 || [...token].some((c) => c <= ' ' || c > '~')) {
    return '"token" is not a token';
  }
  return urlProblem(record.url as string);
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Agents listen on loopback only: a record pointing anywhere else is not an agent's. */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `its URL ${JSON.stringify(url.slice(0, 200))} is not a URL`;
  }
  const ok =
    parsed.protocol === 'ws:' &&
    LOOPBACK.has(parsed.hostname) &&
    parsed.port !== '' &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.pathname === '/' &&
    parsed.search === '' &&
    parsed.hash === '';
  return ok
    ? undefined
    : `its URL ${JSON.stringify(url.slice(0, 200))} is not ws:// to 127.0.0.1, [::1] or localhost with a port`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
