/**
 * What connected clients ask of the agent and are told by it: the protocol's requests, each
 * validated against its zod schema before it runs, and the notifications. Loaded with the first
 * connection (transport/agent-server.ts), so that zod, vscode-jsonrpc and the protocol's
 * schemas cost an app nothing until an editor or the CLI connects.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ErrorCodes, ResponseError, type MessageConnection } from 'vscode-jsonrpc/node';
import * as z from 'zod/mini';
import type { Agent } from './agent';
import {
  NoOldVersionError,
  SoftPurgeRefusedError,
  UnknownModuleError,
  type CodeServer,
} from './code-server/code-server';
import { LoadFailure } from './code-server/evaluate';
import { strippedModeOf, stripTypes } from './code-server/type-stripping';
import type { HotModule } from './code-server/module-version';
import { warmLiveCodeAfterConnect, warmReading } from './code-server/live/warm-up';
import * as protocol from './protocol';
import { describeProcess } from './processes/inspect';
import { NotPurgedError, checkOldCode } from './processes/purge-choice';
import { UnknownPlanError, UpgradeFailure } from './processes/release-handler';
import type { ServerProcess } from './processes/server-process';
import { describeSupervisor } from './processes/supervision/describe';
import { supervisorTable } from './processes/supervision/supervisor-table';
import { notifyProcessChanges } from './process-notifications';
import { restartApp } from './restart';
import { reportRebuilt } from './code-server/route-rebuild';
import { SysRequests } from './sys-requests';
import { errorMessage } from './error-message';

/** Most rounds of agent/warm on the whole module. */
const WARM_ROUNDS = 16;
/**
 * agent/warm starts no round past this much time (ms) in all. A save does not wait for the
 * rounds: its prepare ends them (#codeRequests), so the budget costs no save its time.
 */
const WARM_BUDGET_MS = 1500;
/**
 * agent/warm starts no round after one that took longer (ms): the machine is busy (sixteen
 * instances of an app warming at once on two cores took 130–300 ms a round), or the module long.
 */
const WARM_ROUND_MS = 60;
/** Most rounds of agent/warm's reading of a changed slice of the module (see #warmReading). */
const SLICE_ROUNDS = 160;

/** The agent's clients: one per process, made when the first one connects. */
export class AgentClients {
  readonly #connections = new Set<MessageConnection>();
  /** The loads in progress, one after another (see agent/load). */
  #loads: Promise<unknown> = Promise.resolve();
  /** The requests on one process: OTP's sys (get and replace state, suspend, resume, status). */
  readonly #sys: SysRequests;
  /** How many requests that prepare or load code were received: one ends agent/warm's rounds. */
  #codeRequests = 0;

  constructor(readonly agent: Agent) {
    const { codeServer } = agent;
    codeServer.on('moduleLoaded', (module) => {
      if (this.#connections.size > 0) this.#broadcast(protocol.moduleLoaded, { module: module.info() });
    });
    codeServer.on('modulePurged', (module) => this.#broadcast(protocol.modulePurged, { module }));
    this.#sys = new SysRequests(agent.processes, (process) => this.#describe(process));
    notifyProcessChanges(agent.processes, supervisorTable(), {
      listening: () => this.#connections.size > 0,
      send: (type, params) => this.#broadcast(type, params),
      describe: (process) => this.#describe(process),
    });
  }

  /** Forgets every connection (the agent stopped; their sockets are closing). */
  clear(): void {
    this.#connections.clear();
  }

  /**
   * agent/warm: the module's running code prepared in place and the plan dropped, so that the
   * first save finds the code paths it runs compiled. Unchanged code runs no statement.
   * One round leaves the reading of a module half-compiled (V8 optimizes a function only after
   * it ran a while; medians of three first saves: a 500-line module's ≈80 ms after one round,
   * ≈45 after eight; a 100-line one's 28 ms after eight, 22 after sixteen): rounds repeat, each
   * in its own turn of the event loop so the app serves in between, WARM_ROUNDS of them or
   * fewer (WARM_BUDGET_MS; WARM_ROUND_MS: a long module, or a busy machine). Then rounds on a
   * slice of it with every function changed (#warmReading), and the importers a commit reads
   * (#warmCommit). A save does not wait for them: its prepare (or a load) ends them, and then
   * waits for one round at most.
   */
  async #warm(file: string): Promise<protocol.WarmResult> {
    const started = performance.now();
    const module = this.agent.codeServer.get(file);
    const { current } = module;
    const requestsBefore = this.#codeRequests;
    /** Whether a round may start: no save or load arrived, and no version was loaded meanwhile. */
    const mayGoOn = (): boolean =>
      this.#codeRequests === requestsBefore && this.agent.codeServer.find(file)?.current === current;
    const modules = [{ file, code: current.code, source: current.source, origin: 'editor' as const }];
    // The save's own requests, parsed as it will send them: their schemas' first parse is slow.
    protocol.PrepareParams.safeParse({ modules, previews: 0 });
    protocol.CommitParams.safeParse({ plan: randomUUID() });
    let rounds = 0;
    let sliceRounds = 0;
    for (; rounds < WARM_ROUNDS && performance.now() - started < WARM_BUDGET_MS; rounds++) {
      if (rounds > 0) {
        await nextTurn();
        // A save arrived: it goes first. Or a version was loaded meanwhile (another client's
        // save, a rollback): this code prepared now would run what differs from it.
        if (!mayGoOn()) break;
      }
      const roundStarted = performance.now();
      const plan = await this.agent.releaseHandler.prepare(modules, { previews: 0, inPlaceOnly: true });
      if (!plan.ok) return { warmed: rounds > 0, ms: performance.now() - started, rounds, sliceRounds };
      this.agent.releaseHandler.abort(plan.id);
      // The first round compiles the code it runs, and is long for that alone.
      if (rounds > 0 && performance.now() - roundStarted > WARM_ROUND_MS) {
        rounds++;
        break;
      }
    }
    if (mayGoOn()) sliceRounds = await this.#warmReading(module, started, mayGoOn);
    await nextTurn();
    if (mayGoOn()) this.#warmCommit(module);
    return { warmed: true, ms: performance.now() - started, rounds, sliceRounds };
  }

  /**
   * Rounds of warmReading on the first statements of a module, within agent/warm's budget: the
   * paths a changed function takes, which the rounds of the unchanged whole never ran (a first
   * save that changed every function of a 500-line module: 41–68 ms to prepare, against ≈25
   * later). On a slice: one round of a 1,000-line module's whole left its first save at 95–138
   * ms, against 64 ms after rounds on a slice. A slice's round that still takes WARM_ROUND_MS
   * means a busy machine: no more. Returns how many rounds ran.
   */
  async #warmReading(module: HotModule, started: number, mayGoOn: () => boolean): Promise<number> {
    const { current } = module;
    const ends = (current.live?.digest.statements ?? []).map((statement) => statement.shape.end);
    let rounds = 0;
    while (rounds < SLICE_ROUNDS && performance.now() - started < WARM_BUDGET_MS) {
      await nextTurn();
      if (!mayGoOn()) break; // as in #warm
      const roundStarted = performance.now();
      if (!warmReading(current.code, module.format, ends)) break;
      rounds++;
      if (performance.now() - roundStarted > WARM_ROUND_MS) break;
    }
    return rounds;
  }

  /** What the commit of a save reads besides the version (code-server.ts): never throws, only time is at stake. */
  #warmCommit(module: HotModule): void {
    try {
      this.agent.codeServer.warmCommit(module);
    } catch {
      // the first commit reads what this could not
    }
  }

  #describe(process: ServerProcess): protocol.ProcessInfo {
    return describeProcess(process, this.agent.codeServer);
  }

  #broadcast<P>(type: { method: string }, params: P): void {
    for (const connection of this.#connections) void connection.sendNotification(type.method, params);
  }

  serve(connection: MessageConnection): void {
    // A client that stays connected will load code: the first load's code paths run before it
    // does, not in it (warmLiveCodeAfterConnect).
    warmLiveCodeAfterConnect(() => this.#connections.size > 0);
    let initialized = false;
    connection.onClose(() => this.#connections.delete(connection));

    const handle = <P, R>(
      type: { method: string },
      schema: z.ZodMiniType<P>,
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
        return this.agent.info;
      },
      { beforeInitialize: true },
    );
    handle(protocol.modules, protocol.ModulesParams, () => ({ modules: this.agent.codeServer.list() }));
    handle(protocol.restart, protocol.RestartParams, () => restartApp(() => this.agent.stop()));
    handle(protocol.load, protocol.LoadParams, (params): Promise<protocol.LoadResult> => {
      this.#codeRequests++;
      // One load at a time: each is a patch against the version the previous one made current.
      const load = this.#loads.then(async () => {
        const started = performance.now();
        checkOldCode(this.agent.codeServer, params.file, params.purge);
        const { code, source } = runnableVersion(params.file, params.code, params.source);
        const prepared = await this.agent.codeServer.prepare(params.file, code, source, params.origin);
        await this.agent.codeServer.settle(prepared);
        try {
          // Again: a process may have entered the old code while the version was evaluated.
          checkOldCode(this.agent.codeServer, params.file, params.purge);
        } catch (error) {
          this.agent.codeServer.discard(prepared);
          throw error;
        }
        const { evaluateMs, ...result } = this.agent.codeServer.commit(prepared);
        for (const rebuilt of await this.agent.codeServer.rebuildRoutes(params.origin ?? 'protocol')) {
          reportRebuilt(result.report, result.warnings, rebuilt);
        }
        return { ...result, timings: { evaluateMs, totalMs: performance.now() - started } };
      });
      this.#loads = load.catch(() => undefined);
      return load;
    });
    const purge = (file: string, soft: boolean): protocol.PurgeResult => {
      const { killed, ...result } = this.agent.codeServer.purge(file, { soft });
      return { ...result, killed: killed.map((p) => this.#describe(p)) };
    };
    handle(protocol.purge, protocol.FileParams, (params) => purge(params.file, false));
    handle(protocol.softPurge, protocol.FileParams, (params) => purge(params.file, true));
    handle(protocol.prepare, protocol.PrepareParams, (params) => {
      this.#codeRequests++;
      return this.agent.releaseHandler.prepare(params.modules.map(withCodeReadAhead(this.agent.codeServer)), {
        extra: params.extra,
        shapes: params.shapes,
        holderShapes: params.holderShapes,
        previews: params.previews,
        restart: params.restart,
        plan: params.plan,
        ahead: params.ahead,
      });
    });
    handle(protocol.commit, protocol.CommitParams, (params) =>
      this.agent.releaseHandler.commit(params.plan, params.suspendTimeoutMs, params.purge),
    );
    handle(protocol.abort, protocol.PlanParams, (params) => ({
      aborted: this.agent.releaseHandler.abort(params.plan),
    }));
    handle(protocol.warm, protocol.FileParams, (params) => this.#warm(params.file));
    handle(protocol.readAhead, protocol.ReadAheadParams, (params): protocol.ReadAheadResult => {
      const started = performance.now();
      const { code } = runnableVersion(params.file, params.code, undefined);
      const reading = this.agent.codeServer.readAhead(params.file, code);
      const ms = performance.now() - started;
      return reading === undefined ? { read: false, ms } : { read: true, ms, reading };
    });
    handle(protocol.rollback, protocol.RollbackParams, (params) => {
      // -32012 (as for agent/source), not an upgrade failure: there is nothing to roll back to.
      for (const file of params.files) {
        if (!this.agent.codeServer.version(file, 'old')) throw new NoOldVersionError(file);
      }
      return this.agent.releaseHandler.rollback(params.files, params.extra, params.suspendTimeoutMs, params.purge);
    });
    handle(protocol.processes, protocol.ProcessesParams, (params) => ({
      processes: this.agent.processes.list(params.file).map((p) => this.#describe(p)),
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
      const version = this.agent.codeServer.version(params.file, params.version);
      if (!version) {
        throw new ResponseError(protocol.AgentErrorCode.NoOldVersion, `${params.file} has no old version`);
      }
      return { version: version.info, source: version.source, code: version.code };
    });
  }
}

/**
 * A prepare's module as the release handler takes it: its code, or the code of the reading it
 * names (agent/readAhead) in place of it. Throws ReadAheadGone, before anything is staged, when
 * that reading is no longer kept.
 */
function withCodeReadAhead(codeServer: CodeServer) {
  return ({ readAhead, code, ...module }: z.output<typeof protocol.PrepareParams>['modules'][number]) => {
    // Code read ahead was made the module's JavaScript as it was read.
    if (code !== undefined) return { ...module, ...runnableVersion(module.file, code, module.source) };
    const kept = codeServer.readAheadCode(module.file, readAhead!);
    if (kept === undefined) {
      throw new ResponseError(
        protocol.AgentErrorCode.ReadAheadGone,
        `${module.file}: its reading ${readAhead} is no longer kept (taken, replaced or let go); send the code`,
      );
    }
    return { ...module, code: kept };
  };
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
  const message = errorMessage(error);
  return new ResponseError(ErrorCodes.InternalError, `hotpatch agent: ${message}`);
}

/**
 * A client's version of `file` as the module runs it: TypeScript Node runs itself is sent as the
 * TypeScript it is (ModuleInfo's `typescript`), its code stripped here as Node stripped the
 * running version, and kept as its source when no other is sent; any other module's code is its
 * JavaScript already.
 */
function runnableVersion(
  file: string,
  code: string,
  source: string | undefined,
): { code: string; source: string | undefined } {
  if (!strippedModeOf(file)) return { code, source };
  try {
    return { code: stripTypes(code), source: source ?? code };
  } catch (error) {
    throw new LoadFailure({ kind: 'syntax', file, message: `Node cannot run this TypeScript: ${errorMessage(error)}` });
  }
}
