/**
 * `hotpatch load` through this folder's load server (server.ts) when one is up: the same load,
 * its lines printed here as the server prints them, and the restart offer made on this
 * terminal. When none is up, or it does not serve the load, the load runs in this process
 * (load-command.ts), and a load of TypeScript starts a server in the background for the next.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { createMessageConnection, ResponseError, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import { errorMessage } from '../../shared/error-message';
import { connectAll, requestTimeoutMs } from '../agents';
import type { LoadOptions } from '../load';
import { offerRestart } from '../restart';
import { complain, print, printable, say } from '../terminal';
import { connectTo, idleText, isOwnSocket, loadServerSettings, serversDirProblem, socketPathFor } from './address';
import { LOAD, LoadResult, OUTPUT, OutputParams, STATUS, STOP, StatusResult, type LoadParams } from './protocol';

/** How long a server may take to say it is there before the load runs in this process instead. */
const STATUS_TIMEOUT_MS = 3_000;

/** The exit code of the load the server ran, or undefined when no server of this folder runs it. */
export async function loadThroughServer(files: string[], options: LoadOptions): Promise<number | undefined> {
  const server = await connectToServer();
  if (!server) return undefined;
  const { rpc, socket } = server;
  try {
    // A server that accepts but does not answer (stopped, stuck) is not waited for.
    const status = await answered(rpc.sendRequest(STATUS)).catch(() => undefined);
    if (status === undefined) {
      complain(`hotpatch: the load server (${socket}) did not answer in ${STATUS_TIMEOUT_MS / 1000} s: loading here`);
      return undefined;
    }
    // Its lines are another process's: printed as every line from one is (terminal.ts).
    rpc.onNotification(OUTPUT, (raw: unknown) => {
      const line = OutputParams.safeParse(raw);
      if (!line.success) return;
      if (line.data.stream === 'out') print(printable(line.data.text));
      else process.stderr.write(printable(line.data.text));
    });
    const params: LoadParams = {
      cwd: process.cwd(),
      files,
      options: {
        discoveryDir: options.discoveryDir,
        requestTimeout: options.requestTimeout,
        json: options.json,
        migrate: options.migrate,
        restart: options.restart,
      },
    };
    let answer: unknown;
    try {
      answer = await rpc.sendRequest(LOAD, params);
    } catch (error) {
      // The release may have committed before the server stopped: loading it again here could
      // only say "unchanged" of what did change. Said as it is, with where to look.
      const what =
        error instanceof ResponseError
          ? `failed (${error.message})`
          : `stopped before it answered (${errorMessage(error)})`;
      complain(
        `hotpatch: the load server (${socket}) ${what}; whether the load committed is unknown: ` +
          'hotpatch ls shows the versions running',
      );
      return 2;
    }
    const result = LoadResult.safeParse(answer);
    if (!result.success) {
      complain(`hotpatch: the load server (${socket}) answered what is no load's result: ${result.error.message}`);
      return 2;
    }
    if ('notServed' in result.data) return undefined;
    if (result.data.restartPids.length > 0) await offerRestartTo(result.data.restartPids, options);
    return result.data.exitCode;
  } finally {
    rpc.dispose();
    server.connection.destroy();
  }
}

/**
 * Starts this folder's load server in the background (it outlives this process), and says so
 * on stderr, as Gradle says it starts its daemon: a process that stays is not started unseen.
 */
export function startServerInBackground(): void {
  try {
    // A folder that cannot be used was named already, as this load looked for a server.
    if (serversDirProblem(true) || !socketPathFor()) return; // a socket path too long: loads run here
  } catch {
    return; // no folder can be made (a read-only home): loads run here
  }
  const child = spawn(process.execPath, [process.argv[1]!, 'serve-loads'], {
    cwd: process.cwd(),
    detached: true,
    stdio: 'ignore',
  });
  child.on('error', () => undefined); // the next load runs in this process, as this one did
  child.unref();
  complain(
    'hotpatch: started a load server for this folder, which keeps TypeScript warm for the next loads ' +
      `(hotpatch server stop ends it, and it ends after ${idleText(loadServerSettings().idleMs)} without a load; ` +
      'HOTPATCH_LOAD_SERVER=0 turns it off)',
  );
}

/** `hotpatch server status`: whether the folder's server is up, and what it has done. */
export async function sayStatus(): Promise<void> {
  const server = await connectToServer();
  if (!server) return say(NONE_UP);
  try {
    const answer = await answered(server.rpc.sendRequest(STATUS));
    if (answer === undefined) return complain(`hotpatch: the load server (${server.socket}) does not answer`);
    const status = StatusResult.parse(answer);
    const loads = `${status.loads} load${status.loads === 1 ? '' : 's'}`;
    say(
      `load server pid ${status.pid} for ${status.cwd}, up since ${status.startedAt}: ` +
        `${loads}; ends after ${idleText(status.idleMs)} without one`,
    );
  } finally {
    server.rpc.dispose();
    server.connection.destroy();
  }
}

/** `hotpatch server stop`: the folder's server ends, after the load it runs, if any. */
export async function stopServer(): Promise<void> {
  const server = await connectToServer();
  if (!server) return say(NONE_UP);
  try {
    const closed = new Promise<void>((resolve) => server.connection.once('close', () => resolve()));
    await server.rpc.sendNotification(STOP);
    // The server closes the connection as it ends: it has stopped listening by then.
    await closed;
    say('load server stopped');
  } finally {
    server.rpc.dispose();
    server.connection.destroy();
  }
}

const NONE_UP = 'no load server is up for this folder';

/** What `request` answers, or undefined when it has not in STATUS_TIMEOUT_MS. */
function answered<T>(request: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), STATUS_TIMEOUT_MS)));
  return Promise.race([request, late]).finally(() => clearTimeout(timer));
}

type Connected = { rpc: ReturnType<typeof createMessageConnection>; connection: Socket; socket: string };

/** A connection to this folder's server, when its socket is this user's in a folder only this user can open. */
async function connectToServer(): Promise<Connected | undefined> {
  let problem: string | undefined;
  try {
    problem = serversDirProblem(false);
  } catch {
    return undefined; // no folder: no server has run
  }
  if (problem) {
    complain(`hotpatch: ${problem}`);
    return undefined;
  }
  const socket = socketPathFor();
  if (!socket || !isOwnSocket(socket)) return undefined;
  const connection = await connectTo(socket);
  if (!connection) return undefined;
  const rpc = createMessageConnection(new SocketMessageReader(connection), new SocketMessageWriter(connection));
  rpc.listen();
  return { rpc, connection, socket };
}

/** The restart offer for the apps with these pids, on this terminal (restart.ts). */
async function offerRestartTo(pids: number[], options: LoadOptions): Promise<void> {
  const { clients } = await connectAll(options.discoveryDir, requestTimeoutMs(options));
  try {
    const running = clients.filter((c) => pids.includes(c.info.pid));
    for (const pid of pids.filter((p) => !running.some((c) => c.info.pid === p)))
      complain(`hotpatch: pid ${pid}, which needs a restart to apply the load, is no longer running`);
    await offerRestart(running, options.restart === true);
  } finally {
    for (const c of clients) c.close();
  }
}
