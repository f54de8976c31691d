/**
 * The agent's wire protocol: JSON-RPC 2.0 over a loopback WebSocket.
 *
 * One typed definition per message, imported by the agent and by every client (the engine,
 * the CLI, tests). Parameters are described by zod schemas so the agent validates what it
 * receives with the same definition the clients compile against. Prose: ../PROTOCOL.md,
 * which carries a hash of this file (`npm run check` fails when the two drift).
 *
 * Authentication happens before JSON-RPC: the WebSocket upgrade must carry
 * `Authorization: Bearer <token>` (the token is in the agent's discovery file).
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import { z } from 'zod';

/** Bumped on any incompatible change; the handshake refuses a client with another version. */
export const PROTOCOL_VERSION = 1;

/** Where a module version came from. */
export const Origin = z.enum(['startup', 'editor', 'cli', 'protocol', 'rollback']);
export type Origin = z.infer<typeof Origin>;

/** One loaded version of a hot module (Erlang: the current or the old code of a module). */
export interface VersionInfo {
  /** `export const vsn` of this version when present, else the first 12 hex digits of its code's SHA-256. */
  vsn: string;
  /** 1 for the version loaded at startup, +1 for each later load of this module. */
  seq: number;
  /** ISO 8601 time the version was made current. */
  loadedAt: string;
  origin: Origin;
  /** SHA-256 (hex, 12 digits) of the code that was evaluated. */
  hash: string;
}

/** A hot module: an app source file loaded through the agent. */
export interface ModuleInfo {
  /** Absolute path of the file Node loaded (for TS compiled to CJS: the .js file). */
  file: string;
  /** The module system the app loaded it with; every later version is sent as CommonJS code. */
  format: 'cjs' | 'esm';
  /** Absolute paths of the original sources, from the file's source map (empty when it has none). */
  sources: string[];
  /** Names the module exports (for ESM: the facade's fixed set of live bindings). */
  exports: string[];
  current: VersionInfo;
  /** The previous version, kept until the next load or a purge (Erlang's old code). */
  old: VersionInfo | null;
}

/** Facts about the app the agent runs in, returned by the handshake and kept in the discovery file. */
export interface AgentInfo {
  protocolVersion: number;
  agentVersion: string;
  pid: number;
  appName: string;
  /** Files under this folder (less node_modules and the exclude patterns) are hot. */
  root: string;
  nodeVersion: string;
  startedAt: string;
}

/** The contents of `<discovery dir>/<pid>.json` (mode 0600). */
export interface DiscoveryRecord extends AgentInfo {
  /** `ws://127.0.0.1:<port>` */
  url: string;
  /** 256-bit random token, hex; send as `Authorization: Bearer <token>`. */
  token: string;
}

/** Error codes the agent returns besides JSON-RPC's own (-32700 parse, -32600 invalid request, -32601, -32602). */
export const AgentErrorCode = {
  /** A request other than `agent/initialize` arrived before the handshake. */
  NotInitialized: -32002,
  /** The client speaks another protocol version. */
  ProtocolMismatch: -32003,
  /** The file is not a hot module of this app (not loaded, outside the root, or in node_modules). */
  UnknownModule: -32010,
  /** The new version failed to compile or its top level threw; the current version still serves. */
  LoadFailed: -32011,
  /** There is no old version to purge or read. */
  NoOldVersion: -32012,
} as const;

/** `error.data` of a LoadFailed error: what failed and where, in the code that was sent. */
export interface LoadErrorData {
  kind: 'syntax' | 'evaluation';
  file: string;
  /** 1-based line and column in the code that was sent, when V8 reported them. */
  line?: number;
  column?: number;
  message: string;
  stack?: string;
}

// ---------------------------------------------------------------------------------------------
// Requests (client → agent)

export const InitializeParams = z.strictObject({
  protocolVersion: z.number().int(),
  client: z.strictObject({ name: z.string().max(200), version: z.string().max(100) }),
});
export type InitializeParams = z.infer<typeof InitializeParams>;
/**
 * Sent by a client first on every connection; the agent answers with its facts, or with
 * ProtocolMismatch. Every other request before it fails with NotInitialized.
 */
export const initialize = new RequestType<InitializeParams, AgentInfo, void>('agent/initialize');

export const ModulesParams = z.strictObject({});
export type ModulesParams = z.infer<typeof ModulesParams>;
/** Sent by a client to list the app's hot modules with their current and old versions. */
export const modules = new RequestType<ModulesParams, { modules: ModuleInfo[] }, void>('agent/modules');

export const LoadParams = z.strictObject({
  /** Absolute path of the module as the app loaded it (see ModuleInfo.file). */
  file: z.string().min(1).max(4096),
  /** The new version as CommonJS code (clients compile TS and ESM with esbuild first). */
  code: z.string(),
  /** The original source text (e.g. the .ts file) kept for diffs and type analysis; defaults to `code`. */
  source: z.string().optional(),
  origin: Origin.default('protocol'),
});
export type LoadParams = z.input<typeof LoadParams>;
export interface LoadResult {
  module: ModuleInfo;
  /** Milliseconds spent evaluating the new version and in the whole request inside the agent. */
  timings: { evaluateMs: number; totalMs: number };
  /** Things the load could not do, e.g. an export added to an ES module's fixed set of bindings. */
  warnings: string[];
}
/**
 * Sent by a client to make new code current (Erlang's `code:load_file`). The new version is
 * evaluated first; a syntax error or a throwing top level fails with LoadFailed and leaves the
 * current version serving. On success the current version becomes the old one, the previous
 * old one is purged, and the agent notifies `agent/moduleLoaded`.
 */
export const load = new RequestType<LoadParams, LoadResult, LoadErrorData>('agent/load');

export const FileParams = z.strictObject({ file: z.string().min(1).max(4096) });
export type FileParams = z.infer<typeof FileParams>;
export interface PurgeResult {
  /** False when there was no old version to drop. */
  purged: boolean;
  module: ModuleInfo;
}
/** Sent by a client to drop a module's old version (Erlang's `code:purge`). */
export const purge = new RequestType<FileParams, PurgeResult, void>('agent/purge');
/**
 * Sent by a client to drop a module's old version only if nothing still runs it (Erlang's
 * `code:soft_purge`). Until server processes exist nothing can, so it behaves as purge.
 */
export const softPurge = new RequestType<FileParams, PurgeResult, void>('agent/softPurge');

export const SourceParams = z.strictObject({
  file: z.string().min(1).max(4096),
  version: z.enum(['current', 'old']).default('current'),
});
export type SourceParams = z.input<typeof SourceParams>;
export interface SourceResult {
  version: VersionInfo;
  /** The original source text (what the editor diffs against and the language server analyses). */
  source: string;
  /** The code that was evaluated. */
  code: string;
}
/** Sent by a client to read a loaded version's source, e.g. to diff it with the editor's file. */
export const source = new RequestType<SourceParams, SourceResult, void>('agent/source');

// ---------------------------------------------------------------------------------------------
// Notifications (agent → every initialized client)

/** Sent by the agent when a module's first version loads at startup and after every load. */
export const moduleLoaded = new NotificationType<{ module: ModuleInfo }>('agent/moduleLoaded');
/** Sent by the agent when a module's old version was purged. */
export const modulePurged = new NotificationType<{ module: ModuleInfo }>('agent/modulePurged');

/** Every request's parameter schema, by method name: the agent validates with these. */
export const paramSchemas = {
  [initialize.method]: InitializeParams,
  [modules.method]: ModulesParams,
  [load.method]: LoadParams,
  [purge.method]: FileParams,
  [softPurge.method]: FileParams,
  [source.method]: SourceParams,
} as const;
