/**
 * The agent: the code server, its JSON-RPC face on a loopback WebSocket, and the discovery
 * file that lets editors find it. One per process.
 */
import { randomBytes } from 'node:crypto';
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import { z } from 'zod';
import { hotModuleLoader, type LoadResult } from './code-server/esm-load';
import type { HotFileRules } from './code-server/hot-files';
import { CodeServer, NoOldVersionError, SoftPurgeRefusedError, UnknownModuleError } from './code-server/code-server';
import { LoadFailure } from './code-server/evaluate';
import { warmLiveCode } from './code-server/live/warm-up';
import { setTopLevelBudget } from './code-server/budget';
import { AGENT_GLOBAL } from './code-server/esm-facade';
import { publish } from './discovery';
import { esmHooksNeeded } from './esm-hooks-needed';
import { resolveOptions, type AgentOptions, type ResolvedOptions } from './options';
import * as protocol from './protocol';
import { describeProcess } from './processes/inspect';
import { NotPurgedError, checkOldCode } from './processes/purge-choice';
import { processTable, type ProcessTable } from './processes/process-table';
import { ReleaseHandler, UnknownPlanError, UpgradeFailure } from './processes/release-handler';
import type { ServerProcess } from './processes/server-process';
import { describeSupervisor } from './processes/supervision/describe';
import { supervisorTable } from './processes/supervision/supervisor-table';
import { notifyProcessChanges } from './process-notifications';
import { SysRequests } from './sys-requests';
import { restartApp } from './restart';
import { AgentServer } from './transport/agent-server';

declare const AGENT_VERSION: string;

export class Agent {
  readonly #connections = new Set<MessageConnection>();
  /** The loads in progress, one after another (see agent/load). */
  #loads: Promise<unknown> = Promise.resolve();
  readonly releaseHandler: ReleaseHandler;
  /** The requests on one process: OTP's sys (get and replace state, suspend, resume, status). */
  readonly #sys: SysRequests;
  #server: AgentServer | undefined;
  #unpublish: (() => void) | undefined;

  constructor(
    readonly options: ResolvedOptions,
    readonly codeServer: CodeServer,
    /** 256-bit random token, hex. */
    readonly token: string,
    readonly startedAt: string,
  ) {
    codeServer.on('moduleLoaded', (module) => {
      // Every commit ends with moduleLoaded, whichever path made it (a load, an upgrade, a route
      // rebuild): the version now current runs the timers it held while prepared (timer-ownership.ts).
      codeServer.find(module.file)?.current.timers.release();
      this.#broadcast(protocol.moduleLoaded, { module });
    });
    codeServer.on('modulePurged', (module) => this.#broadcast(protocol.modulePurged, { module }));
    this.releaseHandler = new ReleaseHandler(codeServer, this.processes, {
      codeChangeBudgetMs: options.codeChangeBudgetMs,
    });
    this.#sys = new SysRequests(this.processes, (process) => this.#describe(process));
    notifyProcessChanges(this.processes, supervisorTable(), {
      listening: () => this.#connections.size > 0,
      send: (type, params) => this.#broadcast(type, params),
      describe: (process) => this.#describe(process),
    });
  }

  get processes(): ProcessTable {
    return this.codeServer.processes;
  }

  #describe(process: ServerProcess): protocol.ProcessInfo {
    return describeProcess(process, this.codeServer);
  }

  get info(): protocol.AgentInfo {
    return {
      protocolVersion: protocol.PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      pid: process.pid,
      appName: this.options.appName,
      root: this.options.root,
      nodeVersion: process.version,
      startedAt: this.startedAt,
    };
  }

  /** `ws://host:port` once listening. */
  get url(): string {
    if (!this.#server) throw new Error('hotpatch agent is not listening');
    const host = this.options.host === '::1' ? '[::1]' : this.options.host;
    return `ws://${host}:${this.#server.port}`;
  }

  async listen(): Promise<void> {
    this.#server = await AgentServer.listen({
      host: this.options.host,
      port: this.options.port,
      token: this.token,
      maxPayload: this.options.maxPayload,
      maxConnections: this.options.maxConnections,
      maxPendingConnections: this.options.maxPendingConnections,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      onConnection: (connection) => this.#serve(connection),
    });
    this.#unpublish = publish(this.options.discoveryDir, { ...this.info, url: this.url, token: this.token });
  }

  async stop(): Promise<void> {
    this.#unpublish?.();
    await this.#server?.close();
    this.#connections.clear();
  }

  #broadcast<P>(type: { method: string }, params: P): void {
    for (const connection of this.#connections) void connection.sendNotification(type.method, params);
  }

  #serve(connection: MessageConnection): void {
    // A client that connects will load code: the first load's code paths run now, not in it.
    setImmediate(warmLiveCode);
    let initialized = false;
    connection.onClose(() => this.#connections.delete(connection));

    const handle = <P, R>(
      type: { method: string },
      schema: z.ZodType<P>,
      run: (params: P) => R,
      options: { beforeInitialize?: boolean } = {},
    ): void => {
      // vscode-jsonrpc calls a handler with (params, token), but with (token) alone when the
      // request has no params, which JSON-RPC allows: without this the token itself was
      // validated as the params and `{"method":"agent/modules"}` failed with -32602.
      // (Positional params never get here: the transport refuses them.)
      connection.onRequest(type.method, (...args: unknown[]): unknown => {
        const raw = args.length > 1 ? args[0] : undefined;
        if (!initialized && !options.beforeInitialize) {
          throw new ResponseError(protocol.AgentErrorCode.NotInitialized, `send ${protocol.initialize.method} first`);
        }
        const parsed = schema.safeParse(raw ?? {});
        if (!parsed.success) {
          throw new ResponseError(ErrorCodes.InvalidParams, `${type.method}: ${z.prettifyError(parsed.error)}`);
        }
        try {
          const result = run(parsed.data);
          return result instanceof Promise
            ? result.catch((error: unknown) => {
                throw toResponseError(error);
              })
            : result;
        } catch (error) {
          throw toResponseError(error);
        }
      });
    };

    handle(
      protocol.initialize,
      protocol.InitializeParams,
      (params) => {
        if (params.protocolVersion !== protocol.PROTOCOL_VERSION) {
          throw new ResponseError(
            protocol.AgentErrorCode.ProtocolMismatch,
            `protocol version ${params.protocolVersion} is not supported; this agent speaks ${protocol.PROTOCOL_VERSION}`,
          );
        }
        initialized = true;
        this.#connections.add(connection);
        return this.info;
      },
      { beforeInitialize: true },
    );
    handle(protocol.modules, protocol.ModulesParams, () => ({ modules: this.codeServer.list() }));
    handle(protocol.restart, protocol.RestartParams, () => restartApp(() => this.stop()));
    handle(protocol.load, protocol.LoadParams, (params): Promise<protocol.LoadResult> => {
      // One load at a time: each is a patch against the version the previous one made current.
      const load = this.#loads.then(async () => {
        const started = performance.now();
        checkOldCode(this.codeServer, params.file, params.purge);
        const prepared = await this.codeServer.prepare(params.file, params.code, params.source, params.origin);
        await this.codeServer.settle(prepared);
        try {
          // Again: a process may have entered the old code while the version was evaluated.
          checkOldCode(this.codeServer, params.file, params.purge);
        } catch (error) {
          this.codeServer.discard(prepared);
          throw error;
        }
        const { evaluateMs, ...result } = this.codeServer.commit(prepared);
        for (const rebuilt of await this.codeServer.rebuildRoutes(params.origin ?? 'protocol')) {
          result.report.ran.push(...rebuilt.ran);
          result.report.notApplied.push(...rebuilt.notApplied);
          result.warnings.push(...rebuilt.warnings);
        }
        return { ...result, timings: { evaluateMs, totalMs: performance.now() - started } };
      });
      this.#loads = load.catch(() => undefined);
      return load;
    });
    const purge = (file: string, soft: boolean): protocol.PurgeResult => {
      const { killed, ...result } = this.codeServer.purge(file, { soft });
      return { ...result, killed: killed.map((p) => this.#describe(p)) };
    };
    handle(protocol.purge, protocol.FileParams, (params) => purge(params.file, false));
    handle(protocol.softPurge, protocol.FileParams, (params) => purge(params.file, true));
    handle(protocol.prepare, protocol.PrepareParams, (params) =>
      this.releaseHandler.prepare(params.modules, {
        extra: params.extra,
        shapes: params.shapes,
        holderShapes: params.holderShapes,
        previews: params.previews,
        restart: params.restart,
        plan: params.plan,
      }),
    );
    handle(protocol.commit, protocol.CommitParams, (params) =>
      this.releaseHandler.commit(params.plan, params.suspendTimeoutMs, params.purge),
    );
    handle(protocol.abort, protocol.PlanParams, (params) => ({ aborted: this.releaseHandler.abort(params.plan) }));
    handle(protocol.rollback, protocol.RollbackParams, (params) => {
      // -32012 (as for agent/source), not an upgrade failure: there is nothing to roll back to.
      for (const file of params.files) {
        if (!this.codeServer.version(file, 'old')) throw new NoOldVersionError(file);
      }
      return this.releaseHandler.rollback(params.files, params.extra, params.suspendTimeoutMs, params.purge);
    });
    handle(protocol.processes, protocol.ProcessesParams, (params) => ({
      processes: this.processes.list(params.file).map((p) => this.#describe(p)),
    }));
    handle(protocol.getState, protocol.ProcessParams, (params) => this.#sys.getState(params));
    handle(protocol.replaceState, protocol.ReplaceStateParams, (params) => this.#sys.replaceState(params));
    handle(protocol.suspend, protocol.SuspendParams, (params) => this.#sys.suspend(params));
    handle(protocol.resume, protocol.ProcessParams, (params) => this.#sys.resume(params));
    handle(protocol.status, protocol.ProcessParams, (params) => this.#sys.status(params));
    handle(protocol.supervisors, protocol.SupervisorsParams, () => ({
      supervisors: supervisorTable().list().map(describeSupervisor),
    }));
    handle(protocol.source, protocol.SourceParams, (params): protocol.SourceResult => {
      const version = this.codeServer.version(params.file, params.version);
      if (!version) {
        throw new ResponseError(protocol.AgentErrorCode.NoOldVersion, `${params.file} has no old version`);
      }
      return { version: version.info, source: version.source, code: version.code };
    });
  }
}

function toResponseError(error: unknown): ResponseError<unknown> {
  const code = protocol.AgentErrorCode;
  if (error instanceof ResponseError) return error;
  if (error instanceof LoadFailure) return new ResponseError(code.LoadFailed, error.message, error.data);
  if (error instanceof UnknownModuleError) return new ResponseError(code.UnknownModule, error.message);
  if (error instanceof NoOldVersionError) return new ResponseError(code.NoOldVersion, error.message);
  if (error instanceof SoftPurgeRefusedError) {
    return new ResponseError(code.SoftPurgeRefused, error.message, { processes: error.processes.map((p) => p.id) });
  }
  if (error instanceof NotPurgedError) return new ResponseError(code.NotPurged, error.message);
  if (error instanceof UnknownPlanError) return new ResponseError(code.UnknownPlan, error.message);
  if (error instanceof UpgradeFailure) return new ResponseError(code.UpgradeFailed, error.message, error.data);
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(ErrorCodes.InternalError, `hotpatch agent: ${message}`);
}

interface AgentGlobal {
  agent: Agent;
  beginEsm: CodeServer['beginEsm'];
  endEsm: CodeServer['endEsm'];
  adoptEsm: CodeServer['adoptEsm'];
  /** Reached by instrumented CommonJS code (see code-server/live/). */
  live: CodeServer['liveEntry'];
  /** Reached by an instrumented ES module's first version (see code-server/esm-hooks.ts). */
  liveEsm: CodeServer['liveEsmEntry'];
}

const globalKey = Symbol.for(AGENT_GLOBAL);

/** The agent running in this process, if any. */
export function runningAgent(): Agent | undefined {
  return (globalThis as unknown as Record<symbol, AgentGlobal | undefined>)[globalKey]?.agent;
}

/**
 * Starts the agent: installs the module hooks at once (modules loaded after this call are
 * hot), then listens and writes the discovery file. Refuses under NODE_ENV=production unless
 * `allowProduction`. A second call returns the running agent.
 */
export async function start(options: AgentOptions = {}): Promise<Agent> {
  const existing = runningAgent();
  if (existing) return existing;
  const resolved = resolveOptions(options);
  if (process.env.NODE_ENV === 'production' && !resolved.allowProduction) {
    throw new Error(
      'hotpatch agent refuses to start under NODE_ENV=production; pass allowProduction: true or set HOTPATCH_ALLOW_PRODUCTION=1',
    );
  }
  setTopLevelBudget(resolved.topLevelBudgetMs);

  const table = processTable();
  const codeServer = new CodeServer(
    { root: resolved.root, include: resolved.include, exclude: resolved.exclude },
    table,
  );
  table.source = codeServer.specSource;
  const agent = new Agent(resolved, codeServer, randomBytes(32).toString('hex'), new Date().toISOString());
  const agentGlobal: AgentGlobal = {
    agent,
    beginEsm: (url) => codeServer.beginEsm(url),
    endEsm: (url) => codeServer.endEsm(url),
    adoptEsm: (url, namespace, names, sync) => codeServer.adoptEsm(url, namespace, names, sync),
    live: codeServer.liveEntry,
    liveEsm: codeServer.liveEsmEntry,
  };
  Object.defineProperty(globalThis, globalKey, { value: agentGlobal, configurable: true });
  codeServer.installCommonJsHook();
  installModuleHooks({ root: resolved.root, include: resolved.include, exclude: resolved.exclude });
  await agent.listen();
  return agent;
}

type LoadHook = (url: string, context: object, nextLoad: (url: string, context?: object) => LoadResult) => LoadResult;

/**
 * Node versions whose in-thread module hooks (`module.registerHooks`) work with CommonJS
 * imported from ES modules (on 24.9 a hook breaks `import express`: "module is not linked"):
 * the versions tsx uses them on, so ours run where tsx's run and chain after them.
 */
const IN_THREAD_HOOKS: Array<[number, number, number]> = [
  [22, 22, 3],
  [24, 11, 1],
  [25, 1, 0],
  [26, 0, 0],
];

function inThreadHooksWork(version = process.versions.node): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  const floor = IN_THREAD_HOOKS.find(([m]) => m === major) ?? (major > 26 ? IN_THREAD_HOOKS.at(-1) : undefined);
  if (!floor) return false;
  return minor !== floor[1] ? minor > floor[1] : patch >= floor[2];
}

/**
 * The ES module hooks: in the main thread with `module.registerHooks` where it works, so they
 * chain after loaders that use it too (tsx on those versions: registered after it, these get
 * its JavaScript); in a hooks thread with `module.register` elsewhere (Node 20).
 */
function installModuleHooks(rules: HotFileRules): void {
  const { registerHooks } = nodeModule as unknown as { registerHooks?: (hooks: { load: LoadHook }) => unknown };
  if (typeof registerHooks === 'function' && inThreadHooksWork()) {
    const loader = hotModuleLoader(rules);
    registerHooks({
      load: (url, context, nextLoad) => {
        const result = nextLoad(url, context);
        try {
          return loader(url, result);
        } catch {
          return result; // never the app's end: the module loads as it is, not hot
        }
      },
    });
    return;
  }
  // Off-thread, the hooks cost a thread: only for an app that loads ES modules (esm-hooks-needed.ts).
  if (esmHooksNeeded()) nodeModule.register(pathToFileURL(join(__dirname, 'esm-hooks.mjs')).href, { data: rules });
}
