/**
 * `hotpatch serve-loads`, started in the background by a `hotpatch load` of TypeScript: the
 * process that keeps what a load needs warm between runs, as Gradle's and Nx's daemons do.
 * A load in a fresh process spent ≈0.8 s, most of it starting TypeScript and its first
 * program for the state-type analysis (issue 13: `hotpatch load` ≤ 300 ms); here TypeScript,
 * its analysis of the project's files and esbuild's service stay up.
 *
 * Each load runs as the CLI runs it in-process (load.ts), one at a time, with a new save
 * pipeline each: only the analysis (whose answers are keyed by the texts they read,
 * state-types/language-service.ts) and the compiler outlive a load. The server ends after
 * IDLE_MS without a request, when asked (`hotpatch server stop`), or when its socket is no
 * longer its own (another server took the name).
 */
import { chmodSync, rmSync, statSync } from 'node:fs';
import { createServer, connect, type Socket } from 'node:net';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import { warmCompiler } from '../../engine/compile';
import type { AgentClient } from '../../engine/agent-client';
import { errorMessage } from '../../shared/error-message';
import { load } from '../load';
import { offerRestart } from '../restart';
import { withOutput } from '../terminal';
import { typescriptFromCodeCache } from '../typescript-code-cache';
import { loadServerIdleMs, serversDirProblem, socketPathFor } from './address';
import { LOAD, LoadParams, OUTPUT, STATUS, STOP, type LoadResult, type StatusResult } from './protocol';

export async function serveLoads(): Promise<number> {
  const problem = serversDirProblem(true);
  const socket = socketPathFor();
  if (problem || !socket) return 1; // nobody reads a background process's output: the client says it
  if (await answers(socket)) return 0; // another server of this folder is up
  rmSync(socket, { force: true }); // a server that died left its socket
  const typescriptUsed = typescriptFromCodeCache();
  const { createStateTypes } = await import('../../engine/state-types-adapter.js');
  const stateTypes = createStateTypes();
  const idle = loadServerIdleMs();
  const startedAt = new Date().toISOString();
  let loads = 0;
  /** Loads run one at a time: their lines go to their own client (terminal.ts's withOutput). */
  let queue = Promise.resolve();
  let idleTimer: NodeJS.Timeout | undefined;
  let listeningInode = 0;

  const server = createServer((connection) => {
    const rpc = createMessageConnection(new SocketMessageReader(connection), new SocketMessageWriter(connection));
    rpc.onRequest(STATUS, (): StatusResult => ({
      pid: process.pid,
      cwd: process.cwd(),
      startedAt,
      loads,
      idleMs: idle,
    }));
    // The stopping client sees its connection close when the server has ended.
    rpc.onNotification(STOP, () => void queue.then(stop)); // after the load under way, if any
    rpc.onRequest(LOAD, (raw: unknown) => {
      const run = queue.then(() => runLoad(raw, (stream, text) => void rpc.sendNotification(OUTPUT, { stream, text })));
      queue = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    });
    rpc.onError(() => connection.destroy());
    rpc.onClose(() => rpc.dispose());
    rpc.listen();
  });

  async function runLoad(raw: unknown, send: (stream: 'out' | 'err', text: string) => void): Promise<LoadResult> {
    clearTimeout(idleTimer);
    try {
      const params = LoadParams.safeParse(raw);
      if (!params.success) throw new Error(`a load request of the wrong shape: ${params.error.message}`);
      if (params.data.cwd !== process.cwd())
        throw new Error(`this server loads for ${process.cwd()}, not ${params.data.cwd}`);
      const restartPids: number[] = [];
      // The offer is made on the user's terminal (client.ts); --restart restarts here, at once.
      const restarts = async (clients: AgentClient[], always: boolean) => {
        if (always) await offerRestart(clients, true);
        else restartPids.push(...clients.map((c) => c.info.pid));
      };
      const output = { out: (text: string) => send('out', text), err: (text: string) => send('err', text) };
      const exitCode = await withOutput(output, () =>
        load(params.data.files, params.data.options, restarts, stateTypes),
      );
      loads++;
      typescriptUsed();
      return { exitCode, restartPids };
    } catch (error) {
      send('err', `hotpatch: ${errorMessage(error)}\n`);
      return { exitCode: 2, restartPids: [] };
    } finally {
      // The next load reads the project as a load in its own process would: from disk, not as
      // this one's analyses left it (a file loaded, then edited and not loaded, is read as it is).
      stateTypes.readDiskAgain?.();
      idleTimer = setTimeout(endIfIdle, idle).unref();
    }
  }

  function endIfIdle(): void {
    if (server.listening) stop();
  }

  function stop(): void {
    clearTimeout(idleTimer);
    // The socket is removed only while it is this server's: a later server may have taken the name.
    if (inodeOf(socket!) === listeningInode) rmSync(socket!, { force: true });
    server.close();
    // Connections still open (a client between requests) do not hold the server up.
    setImmediate(() => process.exit(0));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  chmodSync(socket, 0o600);
  listeningInode = inodeOf(socket);
  idleTimer = setTimeout(endIfIdle, idle).unref();
  // Stopped as a process (kill, a logout): its socket goes with it, after the load under way.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void queue.then(stop));
  // Ends when its socket is gone or another server's (checked once a minute, unref'd).
  setInterval(() => {
    if (inodeOf(socket) !== listeningInode) stop();
  }, 60_000).unref();
  // Warm what a load needs, off any client's time: TypeScript's program over the lib, esbuild.
  stateTypes.warm?.();
  await warmCompiler().catch(() => undefined);
  typescriptUsed();
  await new Promise<void>((resolve) => server.on('close', resolve));
  return 0;
}

/** Whether a server answers on `socket`. */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe: Socket = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

function inodeOf(file: string): number {
  try {
    return statSync(file).ino;
  } catch {
    return -1;
  }
}
