/**
 * `hotpatch serve-loads`, started in the background by a `hotpatch load` of TypeScript: the
 * process that keeps what a load needs warm between runs, as Gradle's and Nx's daemons do.
 * A load in a fresh process spent ≈0.8 s, most of it starting TypeScript and parsing the lib
 * for the state-type analysis (issue 13: `hotpatch load` ≤ 300 ms); here TypeScript, the
 * parsed lib and esbuild's service stay up.
 *
 * Each load runs as the CLI runs it in its own process (load.ts), one at a time, with a new
 * save pipeline and a new analysis: only the lib's parses (in a registry the warm analysis
 * holds) and the compiler outlive a load, so a load reads the project as a fresh process would
 * (a file made since, a tsconfig edited). A load whose client goes away finishes (a release commits all or
 * none). The server ends after IDLE_MS without a load, when asked (`hotpatch server stop`), on
 * a signal, or when its socket or folder is no longer the one it started with; a load that
 * comes then is not served, and its client runs it itself.
 */
import { chmodSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { createMessageConnection, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import type { AgentClient } from '../../engine/agent-client';
import { warmCompiler } from '../../engine/compile';
import { errorMessage } from '../../shared/error-message';
import { load } from '../load';
import { offerRestart } from '../restart';
import { withOutput } from '../terminal';
import { typescriptFromCodeCache } from '../typescript-code-cache';
import { connectTo, loadServerSettings, serversDirProblem, socketPathFor } from './address';
import { LOAD, LoadParams, OUTPUT, STATUS, STOP, type LoadResult, type StatusResult } from './protocol';

export async function serveLoads(): Promise<number> {
  const problem = serversDirProblem(true);
  const socket = socketPathFor();
  if (problem || !socket) return 1; // nobody reads a background process's output: the client says it
  if (await answers(socket)) return 0; // another server of this folder is up
  rmSync(socket, { force: true }); // a server that died left its socket
  const folder = { path: process.cwd(), inode: inodeOf(process.cwd()) };
  const typescriptUsed = typescriptFromCodeCache();
  const { createStateTypes } = await import('../../engine/state-types-adapter.js');
  const { createAnalysisRegistry } = await import('../../engine/state-types/index.js');
  const registry = createAnalysisRegistry();
  // Holds the lib's parses in the registry for the loads' analyses (released when the last holder is).
  const warmAnalysis = createStateTypes(registry);
  const idle = loadServerSettings().idleMs;
  const startedAt = new Date().toISOString();
  let loads = 0;
  /** Loads run one at a time: their lines go to their own client (terminal.ts's withOutput). */
  let queue = Promise.resolve();
  let running = false;
  let stopping = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let listeningInode = 0;
  /** Ends the server once the loads before this call are done (once, whoever asks first). */
  const stopAfterLoads = (): void => {
    if (stopping) return;
    stopping = true;
    void queue.then(stop);
  };

  const server = createServer((connection) => {
    const rpc = createMessageConnection(new SocketMessageReader(connection), new SocketMessageWriter(connection));
    let open = true;
    connection.on('close', () => (open = false));
    // A client gone mid-load does not stop the load: what it would have printed is dropped.
    const send = (stream: 'out' | 'err', text: string): void => {
      if (open) rpc.sendNotification(OUTPUT, { stream, text }).catch(() => undefined);
    };
    rpc.onRequest(STATUS, (): StatusResult => ({ pid: process.pid, cwd: folder.path, startedAt, loads, idleMs: idle }));
    // The stopping client sees its connection close when the server has ended.
    rpc.onNotification(STOP, stopAfterLoads);
    rpc.onRequest(LOAD, (raw: unknown) => {
      if (running) send('err', 'hotpatch: waiting for the load server to finish the load under way\n');
      const run = queue.then(() => runLoad(raw, send));
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
    if (stopping) return { notServed: 'the load server is ending' };
    if (inodeOf(folder.path) !== folder.inode) {
      // The folder was removed or replaced: its loads are no longer this server's to run.
      stopAfterLoads();
      return { notServed: `${folder.path} is no longer the folder the load server started in` };
    }
    clearTimeout(idleTimer);
    running = true;
    const analysis = createStateTypes(registry);
    try {
      const params = LoadParams.safeParse(raw);
      if (!params.success) throw new Error(`a load request of the wrong shape: ${params.error.message}`);
      if (params.data.cwd !== folder.path)
        throw new Error(`this server loads for ${folder.path}, not ${params.data.cwd}`);
      const restartPids: number[] = [];
      // The offer is made on the user's terminal (client.ts); --restart restarts here, at once.
      const restarts = async (clients: AgentClient[], always: boolean) => {
        if (always) await offerRestart(clients, true);
        else restartPids.push(...clients.map((c) => c.info.pid));
      };
      const output = { out: (text: string) => send('out', text), err: (text: string) => send('err', text) };
      const exitCode = await withOutput(output, () => load(params.data.files, params.data.options, restarts, analysis));
      loads++;
      typescriptUsed();
      return { exitCode, restartPids };
    } catch (error) {
      send('err', `hotpatch: ${errorMessage(error)}\n`);
      return { exitCode: 2, restartPids: [] };
    } finally {
      analysis.dispose?.();
      running = false;
      if (!stopping) idleTimer = setTimeout(stopAfterLoads, idle).unref();
    }
  }

  function stop(): void {
    clearTimeout(idleTimer);
    // The socket is removed only while it is this server's: a later server may have taken the name.
    if (inodeOf(socket!) === listeningInode) rmSync(socket!, { force: true });
    server.close();
    // Connections still open (a client between requests) do not hold the server up.
    setImmediate(() => process.exit(0));
  }

  // Only this user can connect: the folder is 0700, and the socket is made 0600 (not as the umask says).
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => resolve());
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(socket, 0o600);
  listeningInode = inodeOf(socket);
  idleTimer = setTimeout(stopAfterLoads, idle).unref();
  // Stopped as a process (kill, a logout): its socket goes with it, after the load under way.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, stopAfterLoads);
  // Ends when its socket is gone or another server's (checked once a minute, unref'd).
  setInterval(() => {
    if (inodeOf(socket) !== listeningInode) stopAfterLoads();
  }, 60_000).unref();
  // Warm what a load needs, off any client's time: TypeScript, the lib's parse, esbuild.
  warmAnalysis.warm?.();
  await warmCompiler().catch(() => undefined);
  typescriptUsed();
  await new Promise<void>((resolve) => server.on('close', resolve));
  return 0;
}

/** Whether a server answers on `socket`. */
async function answers(socket: string): Promise<boolean> {
  const probe = await connectTo(socket);
  probe?.destroy();
  return probe !== undefined;
}

function inodeOf(file: string): number {
  try {
    return statSync(file).ino;
  } catch {
    return -1;
  }
}
