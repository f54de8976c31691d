/**
 * Where the load server of this folder listens: a Unix socket in ~/.hotpatch/servers, a folder
 * only this user can open (ssh-agent's rule: whoever can connect can load code into the apps,
 * so the folder is the lock). One server per folder, CLI build, Node binary and environment
 * (environmentKey): a rebuilt or upgraded CLI, or another Node, starts its own, and the old one
 * ends when idle.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { folderProblem } from '../../engine/discovery';

/** The longest socket path Linux and macOS accept (sun_path, less its terminating NUL). */
const MAX_SOCKET_PATH = 103;

/** What the environment says of the load server, and what in it was not understood (said by the CLI). */
export interface LoadServerSettings {
  wanted: boolean;
  idleMs: number;
  problems: string[];
}

/** The values `HOTPATCH_LOAD_SERVER` takes, as they turn the server off or on. */
const SWITCH = new Map<string, boolean>([
  ...['0', 'false', 'off', 'no'].map((off) => [off, false] as const),
  ...['1', 'true', 'on', 'yes'].map((on) => [on, true] as const),
]);

/**
 * Whether `hotpatch load` uses a load server: `HOTPATCH_LOAD_SERVER=0` (or false, off, no) turns
 * it off, `=1` (true, on, yes) on; by default it is off where `CI` is set (one run per machine has
 * nothing to keep warm, and nothing should outlive the job); never on Windows (a named pipe is
 * not a folder only its user can open). How long a server waits for a load before it ends:
 * `HOTPATCH_LOAD_SERVER_IDLE_MS`, else 15 minutes.
 */
export function loadServerSettings(env: NodeJS.ProcessEnv = process.env): LoadServerSettings {
  const problems: string[] = [];
  const switched = env.HOTPATCH_LOAD_SERVER?.trim().toLowerCase();
  const chosen = switched ? SWITCH.get(switched) : undefined;
  if (switched && chosen === undefined)
    problems.push(`HOTPATCH_LOAD_SERVER=${env.HOTPATCH_LOAD_SERVER} is not 0 or 1: the default is used`);
  const wanted = process.platform !== 'win32' && (chosen ?? !env.CI);
  const idleSetting = env.HOTPATCH_LOAD_SERVER_IDLE_MS;
  const ms = Number(idleSetting);
  const idleOk = Number.isInteger(ms) && ms > 0;
  if (idleSetting && !idleOk)
    problems.push(`HOTPATCH_LOAD_SERVER_IDLE_MS=${idleSetting} is not a whole number of ms above 0: 15 min is used`);
  return { wanted, idleMs: idleOk ? ms : 15 * 60_000, problems };
}

/** A server's idle time as a person reads it: "15 min", "2 s". */
export function idleText(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** `~/.hotpatch/servers`: the folder of the sockets. */
export function serversDir(): string {
  return join(homedir(), '.hotpatch', 'servers');
}

/** Not kept by a server: each load sends its discovery folder; the switch is only read by the client. */
const PER_LOAD = new Set(['HOTPATCH_DISCOVERY_DIR', 'HOTPATCH_LOAD_SERVER']);

/**
 * The environment a server keeps from the load that started it, and so is part of its name: a
 * load run with other values gets a server of its own (`ESBUILD_BINARY_PATH`, the code cache's
 * folder, `NODE_OPTIONS`).
 */
function environmentKey(env: NodeJS.ProcessEnv): string {
  return Object.keys(env)
    .filter((name) => /^(ESBUILD|HOTPATCH|NODE|TSX|TS_NODE)_/.test(name) && !PER_LOAD.has(name))
    .sort()
    .map((name) => `${name}=${env[name]}`)
    .join('\0');
}

/**
 * The socket of `cwd`'s server for this build of the CLI, this Node and this environment
 * (environmentKey), or undefined when its path would be too long.
 */
export function socketPathFor(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string | undefined {
  const build = statSync(__filename);
  const key = createHash('sha256')
    .update(
      [cwd, __filename, build.size, build.mtimeMs, process.execPath, process.version, environmentKey(env)].join('\0'),
    )
    .digest('hex')
    .slice(0, 24);
  const socket = join(serversDir(), `${key}.sock`);
  return socket.length <= MAX_SOCKET_PATH ? socket : undefined;
}

/**
 * Why the servers folder must not be used, or undefined; made first when `make`. It must be this
 * user's and open to no one else (0700: on some systems a socket's own mode is not checked),
 * in a ~/.hotpatch that only this user can write (no one can swap the folder under a client).
 */
export function serversDirProblem(make: boolean): string | undefined {
  const dir = serversDir();
  if (make) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const parent = dirname(dir);
  const parentProblem = folderProblem(parent);
  if (parentProblem) return `no load server is used: ${parent}: ${parentProblem}`;
  const problem = folderProblem(dir) ?? openToOthers(dir);
  return problem && `no load server is used: ${dir}: ${problem}`;
}

function openToOthers(dir: string): string | undefined {
  const mode = statSync(dir).mode & 0o777;
  if (typeof process.getuid !== 'function' || (mode & 0o077) === 0) return undefined;
  return `other users can open it (mode ${mode.toString(8)}); run chmod 700 on it`;
}

/** Whether `socket` is a socket this user made (a file someone else put there is never connected to). */
export function isOwnSocket(socket: string): boolean {
  try {
    const stat = lstatSync(socket);
    return stat.isSocket() && (typeof process.getuid !== 'function' || stat.uid === process.getuid());
  } catch {
    return false;
  }
}

/** A connection to whatever listens on `socket`, or undefined when nothing does (a server that died leaves its socket). */
export function connectTo(socket: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const attempt = connect(socket);
    attempt.once('connect', () => resolve(attempt));
    attempt.once('error', () => resolve(undefined));
  });
}
