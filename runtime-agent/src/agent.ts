/**
 * The agent: the code server, its JSON-RPC face on a loopback WebSocket, and the discovery
 * file that lets editors find it. One per process. What serves clients (agent-requests.ts)
 * loads when the first one connects.
 */
import * as nodeModule from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { hotModuleLoader, type LoadResult } from './code-server/esm-load';
import { handOverSource } from './code-server/live/esm-sources';
import { guardCellOf } from './code-server/live/guard-cell';
import type { HotFileRules } from './code-server/hot-files';
import type { HooksData } from './code-server/esm-hooks-library';
import { appStarted } from './code-server/transform-cache';
import { CodeServer } from './code-server/code-server';
import { setTopLevelBudget } from './code-server/budget';
import { AGENT_GLOBAL } from './code-server/esm-facade';
import { publish } from './discovery';
import { agentHooksRegisteredFirst, esmHooksNeeded } from './esm-hooks-needed';
import { resolveOptions, type AgentOptions, type ResolvedOptions } from './options';
import type { AgentClients } from './agent-requests';
import { PROTOCOL_VERSION } from './protocol-version';
import type * as protocol from './protocol';
import { processTable, type ProcessTable } from './processes/process-table';
import { ReleaseHandler } from './processes/release-handler';
import type { AgentServer } from './transport/agent-server';
import { crypto } from './builtins';
import { adaptFramework } from './code-server/live/registrations';

declare const AGENT_VERSION: string;

export class Agent {
  readonly releaseHandler: ReleaseHandler;
  /** The clients' side, once one has connected. */
  #clients: AgentClients | undefined;
  #server: AgentServer | undefined;
  #unpublish: (() => void) | undefined;
  #token: string | undefined;

  constructor(
    readonly options: ResolvedOptions,
    readonly codeServer: CodeServer,
    readonly startedAt: string,
  ) {
    codeServer.on('moduleLoaded', (module) => {
      // Every commit ends with moduleLoaded, whichever path made it (a load, an upgrade, a route
      // rebuild): the version now current runs the timers it held while prepared (timer-ownership.ts).
      codeServer.find(module.file)?.current.timers.release();
    });
    this.releaseHandler = new ReleaseHandler(codeServer, this.processes, {
      codeChangeBudgetMs: options.codeChangeBudgetMs,
    });
  }

  get processes(): ProcessTable {
    return this.codeServer.processes;
  }

  get info(): protocol.AgentInfo {
    return {
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      pid: process.pid,
      appName: this.options.appName,
      root: this.options.root,
      nodeVersion: process.version,
      startedAt: this.startedAt,
    };
  }

  /** 256-bit random token, hex: made when the agent listens (crypto loads then, not with the app). */
  get token(): string {
    return (this.#token ??= crypto().randomBytes(32).toString('hex'));
  }

  /** `ws://host:port` once listening. */
  get url(): string {
    if (!this.#server) throw new Error('hotpatch agent is not listening');
    const host = this.options.host === '::1' ? '[::1]' : this.options.host;
    return `ws://${host}:${this.#server.port}`;
  }

  async listen(): Promise<void> {
    // Required here: http, ws and the transport's checks load when the agent listens (issue 13).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AgentServer } = require('./transport/agent-server') as typeof import('./transport/agent-server');
    this.#server = await AgentServer.listen({
      host: this.options.host,
      port: this.options.port,
      token: this.token,
      maxPayload: this.options.maxPayload,
      maxConnections: this.options.maxConnections,
      maxPendingConnections: this.options.maxPendingConnections,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      loadConnectionHandler: () => {
        // A require, which esbuild's bundle evaluates at the call: zod, vscode-jsonrpc and the
        // protocol's schemas load with the first client, not with the app (issue 13).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { AgentClients } = require('./agent-requests') as typeof import('./agent-requests');
        const clients = (this.#clients ??= new AgentClients(this));
        return (connection) => clients.serve(connection);
      },
    });
    this.#unpublish = publish(this.options.discoveryDir, { ...this.info, url: this.url, token: this.token });
  }

  async stop(): Promise<void> {
    this.#unpublish?.();
    await this.#server?.close();
    this.#clients?.clear();
  }
}

interface AgentGlobal {
  agent: Agent;
  adoptEsm: CodeServer['adoptEsm'];
  adoptEsmBound: CodeServer['adoptEsmBound'];
  /** Reached by instrumented CommonJS code (see code-server/live/). */
  live: CodeServer['liveEntry'];
  /** Reached by an instrumented ES module's first version (see code-server/esm-hooks.ts). */
  liveEsm: CodeServer['liveEsmEntry'];
  /** Reached by a framework's ES module (see code-server/live/registrations.ts). */
  adaptFramework: typeof adaptFramework;
}

const globalKey = Symbol.for(AGENT_GLOBAL);

/** The agent running in this process, if any. */
export function runningAgent(): Agent | undefined {
  return (globalThis as unknown as Record<symbol, AgentGlobal | undefined>)[globalKey]?.agent;
}

/** How `start` listens. */
export interface StartTiming {
  /**
   * Listen once the app's own code has run and its event loop turns, and never in a process
   * that ends before (a script, `node -e 0`, a build tool started with the preload): the
   * preload's way (register.ts). What listening loads (http, ws, crypto, the socket) then
   * costs such a process nothing (issue 13); a server is listened for in its first turn.
   */
  listenWhenLoopTurns?: boolean;
}

/**
 * Starts the agent: installs the module hooks at once (modules loaded after this call are
 * hot), then listens and writes the discovery file. Refuses under NODE_ENV=production unless
 * `allowProduction`. A second call returns the running agent.
 */
export async function start(options: AgentOptions = {}, timing: StartTiming = {}): Promise<Agent> {
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
  const agent = new Agent(resolved, codeServer, new Date().toISOString());
  const agentGlobal: AgentGlobal = {
    agent,
    adoptEsm: (file, namespace, names, sync) => codeServer.adoptEsm(file, namespace, names, sync),
    adoptEsmBound: (file, locals) => codeServer.adoptEsmBound(file, locals),
    live: codeServer.liveEntry,
    liveEsm: codeServer.liveEsmEntry,
    adaptFramework,
  };
  Object.defineProperty(globalThis, globalKey, { value: agentGlobal, configurable: true });
  codeServer.installCommonJsHook();
  installModuleHooks({ root: resolved.root, include: resolved.include, exclude: resolved.exclude });
  // Unref'd: the turn it waits for never comes in a process with nothing left to do.
  if (timing.listenWhenLoopTurns) await new Promise<void>((resolve) => setImmediate(resolve).unref());
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

export function inThreadHooksWork(version = process.versions.node): boolean {
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
    // In this thread, each module's guard cell is defined as it loads: a module in an import
    // cycle may call a function of it (hoisted) before the module's own code has run.
    const loader = hotModuleLoader(rules, (file, source) => {
      guardCellOf(file);
      handOverSource(file, source);
    });
    registerHooks({
      load: (url, context, nextLoad) => {
        const made = loader.madeLive(url);
        if (made) return made;
        const result = nextLoad(url, context);
        try {
          return loader.load(url, result);
        } catch {
          return result; // never the app's end: the module loads as it is, not hot
        }
      },
    });
    return;
  }
  // Off-thread, the hooks cost a thread: only for an app that loads ES modules (esm-hooks-needed.ts).
  if (esmHooksNeeded()) {
    const data: HooksData = { rules, app: appStarted(), registeredFirst: agentHooksRegisteredFirst() };
    nodeModule.register(pathToFileURL(join(__dirname, 'esm-hooks.mjs')).href, { data });
  }
}
