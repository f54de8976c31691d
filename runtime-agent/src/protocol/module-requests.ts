/** Requests (client → agent): the handshake, the modules, a load, purges, sources, a restart. */
import { RequestType } from 'vscode-jsonrpc';
import { Origin, type AgentInfo, type ModuleInfo, type VersionInfo } from './agent-info';
import type { LoadErrorData } from './errors';
import type { ProcessInfo } from './process-info';
import type { LoadReport } from './upgrade-info';
import * as z from 'zod/mini';
import { filePath, shortString } from './schemas';

export const InitializeParams = z.strictObject({
  protocolVersion: z.int(),
  client: z.strictObject({ name: shortString(200), version: shortString(100) }),
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

export const RestartParams = z.strictObject({});
export type RestartParams = z.infer<typeof RestartParams>;
/**
 * Sent by a client when a load could not apply in place (its report's `notApplied`) and the
 * user chose to restart: the agent starts the app again with the same command line,
 * environment and working directory, replies with the new process's pid, and exits. The new
 * process starts once this one is gone, and announces itself in the discovery folder.
 */
export const restart = new RequestType<RestartParams, { pid: number }, void>('agent/restart');

export const LoadParams = z.strictObject({
  /** Absolute path of the module as the app loaded it (see ModuleInfo.file). */
  file: filePath(),
  /** The new version as CommonJS code (clients compile TS and ESM with esbuild first). */
  code: z.string(),
  /** The original source text (e.g. the .ts file) kept for diffs and type analysis; defaults to `code`. */
  source: z.optional(z.string()),
  origin: z._default(Origin, 'protocol'),
  /**
   * What to do with the module's old version, which this load purges: `brutal` (default, OTP's
   * purge) kills the processes still running it; `soft` (soft_purge) refuses the load at once
   * (SoftPurgeRefused, naming them) while any does; `not_purged` (code:load_file) refuses it
   * (NotPurged) while there is an old version at all.
   */
  purge: z.optional(z.enum(['brutal', 'soft', 'not_purged'])),
});
export type LoadParams = z.input<typeof LoadParams>;
export interface LoadResult {
  module: ModuleInfo;
  report: LoadReport;
  /** Milliseconds spent evaluating the new version and in the whole request inside the agent. */
  timings: { evaluateMs: number; totalMs: number };
  /** Things the load could not do, e.g. an export added to an ES module's fixed set of bindings. */
  warnings: string[];
}
/**
 * Sent by a client to make new code current (Erlang's `code:load_file`). The new version is
 * evaluated first; a syntax error or a throwing top level fails with LoadFailed and leaves the
 * current version serving. On success the current version becomes the old one, the previous
 * old one is purged, and the agent notifies `agent/moduleLoaded`. Server processes are not
 * suspended or migrated (Erlang's `l(Mod)`): each takes the new callbacks at its next message
 * and a running handler finishes in the old code. Use prepare/commit when state changes.
 */
export const load = new RequestType<LoadParams, LoadResult, LoadErrorData>('agent/load');

export const FileParams = z.strictObject({ file: filePath() });
export type FileParams = z.infer<typeof FileParams>;
export interface PurgeResult {
  /** False when there was no old version to drop. */
  purged: boolean;
  module: ModuleInfo;
  /** Processes killed because they still ran the old version (purge only). */
  killed: ProcessInfo[];
}
/**
 * Sent by a client to drop a module's old version (Erlang's `code:purge`), killing the
 * processes still running it; their supervisors restart them on the current code.
 */
export const purge = new RequestType<FileParams, PurgeResult, void>('agent/purge');
/**
 * Sent by a client to drop a module's old version only if no process still runs it (Erlang's
 * `code:soft_purge`): a handler that started in the old version and has not finished. Refused
 * with SoftPurgeRefused naming them otherwise.
 */
export const softPurge = new RequestType<FileParams, PurgeResult, void>('agent/softPurge');

export const SourceParams = z.strictObject({
  file: filePath(),
  version: z._default(z.enum(['current', 'old']), 'current'),
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
