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
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

export { PROTOCOL_VERSION } from './protocol-version';

// zod's small build (zod/mini: a third of the full one's load time, which every CLI run and
// the agent's first connection pay), with the full build's English messages, which an invalid
// request's error carries.
z.config(en());

/** A string of at most `max` characters. */
const shortString = (max: number) => z.string().check(z.maxLength(max));
/** A string of `min` to `max` characters. */
const boundedString = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
/** An absolute path as the app loaded it. */
const filePath = () => boundedString(1, 4096);
/** A safe integer from `min` to `max`. */
const boundedInt = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
/** How long to wait before giving up (ms); 5 s unless given. */
const timeoutMs = () => z._default(boundedInt(1, 600_000), 5000);

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
  /** There is no old version to purge, read or roll back to. */
  NoOldVersion: -32012,
  /** Soft purge refused: processes still run the old version (`data.processes` names them). */
  SoftPurgeRefused: -32013,
  /** The plan id is unknown, already committed or aborted, or expired. */
  UnknownPlan: -32014,
  /** The upgrade aborted: nothing changed (`data` is an UpgradeErrorData). */
  UpgradeFailed: -32015,
  /** No process with that id or name. */
  UnknownProcess: -32016,
  /** The process's module is being upgraded (suspended, migrating): sent again after the upgrade, it applies. */
  UpgradeInProgress: -32017,
  /** agent/suspend: the running handler did not finish within `timeoutMs`; the process was left running. */
  SuspendTimeout: -32018,
  /** agent/load with `purge: 'not_purged'`: the module still has an old version (OTP's code:load_file `not_purged`). */
  NotPurged: -32019,
  /**
   * agent/prepare named a reading (`modules[].readAhead`) no longer kept: taken by an earlier
   * prepare, replaced by a later agent/readAhead of the file, or let go. Nothing was staged:
   * send the code itself.
   */
  ReadAheadGone: -32020,
} as const;

/** `error.data` of a LoadFailed error: what failed and where, in the code that was sent. */
export interface LoadErrorData {
  /** `timeout`: the top level ran past its time budget and was cut off (no line: it was stopped, not thrown). */
  kind: 'syntax' | 'evaluation' | 'timeout';
  file: string;
  /** 1-based line and column in the code that was sent, when V8 reported them. */
  line?: number;
  column?: number;
  message: string;
  stack?: string;
}

/**
 * A runtime shape of a server's state, derived by the language server from its `State` type.
 * Migrated states must fit it before an upgrade passes its point of no return.
 */
export type StateShape =
  | { type: 'unknown' | 'string' | 'number' | 'boolean' | 'bigint' | 'null' | 'undefined' | 'date' }
  | { type: 'literal'; value: string | number | boolean }
  | { type: 'array' | 'set'; element: StateShape }
  | { type: 'tuple'; elements: StateShape[] }
  | { type: 'map'; key: StateShape; value: StateShape }
  | { type: 'union'; options: StateShape[] }
  | { type: 'object'; properties: Record<string, { shape: StateShape; optional?: boolean }>; index?: StateShape };

export const StateShape: z.ZodMiniType<StateShape> = z.lazy(() =>
  z.union([
    z.strictObject({ type: z.enum(['unknown', 'string', 'number', 'boolean', 'bigint', 'null', 'undefined', 'date']) }),
    z.strictObject({ type: z.literal('literal'), value: z.union([z.string(), z.number(), z.boolean()]) }),
    z.strictObject({ type: z.enum(['array', 'set']), element: StateShape }),
    z.strictObject({ type: z.literal('tuple'), elements: z.array(StateShape) }),
    z.strictObject({ type: z.literal('map'), key: StateShape, value: StateShape }),
    z.strictObject({ type: z.literal('union'), options: z.array(StateShape) }),
    z.strictObject({
      type: z.literal('object'),
      properties: z.record(z.string(), z.strictObject({ shape: StateShape, optional: z.optional(z.boolean()) })),
      index: z.optional(StateShape),
    }),
  ]),
);

/** A server process as inspection shows it. */
export interface ProcessInfo {
  /** Readable and unique, e.g. `counter#3`. */
  id: string;
  /** Registered name, if any. */
  name?: string;
  /** The module that defines its server (absent for servers defined outside hot modules). */
  file?: string;
  /** Which server of that module. */
  server: string;
  /** vsn and seq of the module version whose callbacks it runs. */
  vsn?: string;
  seq?: number;
  status: 'running' | 'suspended' | 'dead';
  /** Who holds it suspended, while it is: a client (`sys`, agent/suspend), an upgrade in progress, or both. */
  suspendedBy?: ('sys' | 'upgrade')[];
  mailbox: number;
  /** Milliseconds the running handler has been running, when one is. */
  busyMs?: number;
  /** A handler that started in a version that is now old is still running. */
  runsOldCode: boolean;
}

/** One child of a supervisor (OTP's which_children), with what runs it now. */
export interface SupervisorChildInfo {
  /** Its child spec's id; absent for a simple_one_for_one supervisor's children, as in OTP. */
  id?: string;
  /** permanent: always restarted; transient: only after a crash; temporary: never. */
  restart: 'permanent' | 'transient' | 'temporary';
  /** What it runs as (for a child that never ran: `worker`, as OTP says). */
  type: 'worker' | 'supervisor';
  /**
   * `running` or `suspended` (its process is); `restarting`: it exited and its restart failed,
   * tried again on the next turn; `dead`: not running and not to be restarted (terminated, or a
   * transient or temporary child that ended).
   */
  status: 'running' | 'suspended' | 'restarting' | 'dead';
  /** The id of the process it runs as, while it runs (a worker). */
  process?: string;
  /** The id of the supervisor it runs as, while it runs (a supervisor: listed with its own children). */
  supervisor?: string;
}

/** A running supervisor (OTP's supervisor process): how it restarts, and its children in start order. */
export interface SupervisorInfo {
  /** Unique for the life of the app, e.g. `supervisor#2`. */
  id: string;
  /** Registered name (`supervise(..., { name })`), if any. */
  name?: string;
  /** The module whose top level started it (absent for one a child spec started: it belongs to its parent). */
  file?: string;
  strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
  /** At most `intensity` restarts within `period` ms, else it gives up. */
  intensity: number;
  period: number;
  children: SupervisorChildInfo[];
}

/** One module of an upgrade plan. */
export interface PlanModule {
  file: string;
  fromVsn: string;
  toVsn: string;
  /** Processes whose state goes through `codeChange` (or is kept as is when there is none). */
  processes: number;
  /** The new version has a codeChange for its servers, its variables or its classes' instances. */
  migration: boolean;
  /**
   * The module's variables (`module`) and the classes (`class:<Name>`) whose new code has a
   * codeChange, with how many live values it converts (1 for the variables, the instances
   * found for a class).
   */
  holders?: { key: string; instances: number; migration: boolean }[];
}

/** What an upgrade would do, from `agent/prepare`. */
export interface UpgradePlan {
  /** Pass to agent/commit or agent/abort; expires at `expiresAt` (ISO time). */
  id: string;
  ok: boolean;
  modules: PlanModule[];
  errors: UpgradeError[];
  /**
   * Before/after state of the first processes (dry run on copies), rendered JSON-safe, each
   * within about 256 KiB: past that, parts are left out (`$omitted`, `$truncated`, long strings
   * as `{ $string, $length }`) and `truncated` is true.
   */
  previews: { process: string; file: string; before: unknown; after: unknown; truncated?: boolean }[];
  expiresAt: string;
  /**
   * `readAhead`: how many of its modules' code was read before the prepare (agent/readAhead);
   * `patchedAhead`: of those, how many had their patch built then too, taken as built because
   * the version it patches still ran.
   */
  timings: { prepareMs: number; readAhead?: number; patchedAhead?: number };
}

export interface UpgradeError {
  file: string;
  /** The process whose migration failed, when one did. */
  process?: string;
  message: string;
  line?: number;
  column?: number;
}

/** `error.data` of UpgradeFailed. */
export interface UpgradeErrorData {
  stage: 'prepare' | 'suspend' | 'migrate';
  errors: UpgradeError[];
}

/**
 * What a load applied and what it could not, for one module. A load applies the edit, not
 * the module: statements that did not change are not run again and keep their effect, and
 * module variables whose declaration did not change keep their running value.
 */
export interface LoadReport {
  file: string;
  /** `patched`: only what changed was evaluated; `reloaded`: the whole module ran again (its state started over). */
  mode: 'patched' | 'reloaded';
  /** Top-level statements not run again. */
  kept: number;
  /** Statements that ran, as `line N: text`, and supervision trees their supervise() calls updated in place. */
  ran: string[];
  /** Module variables whose changed initializer gave them a new value. */
  rebound: string[];
  /** Module variables the new version added. */
  added: string[];
  /** Functions whose new body now runs wherever they are held (route handlers, listeners, callbacks). */
  functions: string[];
  /** Statements removed or changed whose routes and middleware (Express, Koa, @koa/router) were taken back. */
  undone: string[];
  /** What could not apply in place, each with its reason: a restart applies it. */
  notApplied: string[];
}

export interface CommitResult {
  modules: ModuleInfo[];
  /** One per module, in the order of `modules`. */
  reports: LoadReport[];
  /** Processes whose state was migrated (or kept) and which resumed on the new code. */
  processes: number;
  timings: {
    suspendMs: number;
    migrateMs: number;
    totalMs: number;
    /** The longest synchronous stretch of the commit: how long the app's event loop was blocked at most. */
    longestBlockMs: number;
  };
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Requests (client → agent)

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

const UpgradeModule = z
  .strictObject({
    file: filePath(),
    code: z.optional(z.string()),
    /** In place of `code`: the number of the file's reading (agent/readAhead), whose code the agent keeps. */
    readAhead: z.optional(z.int().check(z.gte(1))),
    source: z.optional(z.string()),
    origin: z._default(Origin, 'protocol'),
  })
  .check(
    z.refine((m) => (m.code === undefined) !== (m.readAhead === undefined), {
      message: 'give either code or readAhead (the number of a reading of the file), not both',
    }),
  );

export const PrepareParams = z.strictObject({
  /** Every module of the release; all are committed together or none. */
  modules: z.array(UpgradeModule).check(z.minLength(1), z.maxLength(1000)),
  /** Passed to every codeChange as `extra`. */
  extra: z.optional(z.unknown()),
  /** State shapes by module file, checked on every migrated state. */
  shapes: z.optional(z.record(z.string(), StateShape)),
  /**
   * Shapes of what a module holds outside servers, by module file, then holder: `module` (its
   * variables) or `class:<Name>` (its instances' fields), each an object shape. Every value a
   * holder's codeChange returns is checked against the property of its name.
   */
  holderShapes: z.optional(z.record(z.string(), z.record(z.string(), StateShape))),
  /** How many before/after previews to return. Default 20. */
  previews: z._default(boundedInt(0, 1000), 20),
  /**
   * Restart the modules' processes on the new code instead of migrating their states: at the
   * commit they are killed while still suspended and their supervisors start them anew.
   */
  restart: z._default(z.boolean(), false),
  /**
   * The plan's id, chosen by the client (a UUID; default: chosen by the agent). A client that
   * stops waiting for the prepare can then abort the plan anyway: an abort that comes before
   * its prepare has finished makes that prepare drop the plan (`ok: false`) when it does.
   */
  plan: z.optional(boundedString(1, 100)),
});
export type PrepareParams = z.input<typeof PrepareParams>;
/**
 * Sent by a client to stage an upgrade (the release handler's check): evaluates each new
 * version in isolation and dry-runs every codeChange on a structured clone of each live
 * state. Nothing in the app changes. A plan that is not ok is dropped at once.
 */
export const prepare = new RequestType<PrepareParams, UpgradePlan, void>('agent/prepare');

/**
 * An upgrade's purge choice for processes whose handler is still running when it suspends
 * them (they run code that becomes old): instead of waiting `suspendTimeoutMs` for them,
 * `soft` refuses the upgrade at once, naming them, and `brutal` kills them (their supervisors
 * start them again, on the new code once it is current).
 */
export const UpgradePurge = z.enum(['soft', 'brutal']);
export type UpgradePurge = z.infer<typeof UpgradePurge>;

export const CommitParams = z.strictObject({
  plan: shortString(100),
  /** How long to wait for running handlers to finish before giving up. Default 5000 ms. */
  suspendTimeoutMs: timeoutMs(),
  purge: z.optional(UpgradePurge),
});
export type CommitParams = z.input<typeof CommitParams>;
/**
 * Sent by a client to carry out a prepared plan: suspend the processes (running handlers
 * finish, new messages queue), run codeChange on the live states in chunks, check shapes,
 * and only when every one succeeded swap the code and the states and resume. Any failure
 * before that point resumes every process on its old code and old state (UpgradeFailed).
 */
export const commit = new RequestType<CommitParams, CommitResult, UpgradeErrorData>('agent/commit');

export const PlanParams = z.strictObject({ plan: shortString(100) });
export type PlanParams = z.infer<typeof PlanParams>;
/**
 * Sent by a client to drop a prepared plan (the prepared versions are discarded). `aborted` is
 * false when there was none; an id still being prepared is dropped when its prepare finishes.
 */
export const abort = new RequestType<PlanParams, { aborted: boolean }, void>('agent/abort');

export interface WarmResult {
  /** False when the module's code cannot take a version in place (it would be evaluated whole): nothing ran. */
  warmed: boolean;
  /** Milliseconds the warm-up took inside the agent. */
  ms: number;
  /** Rounds of the whole module prepared and dropped. */
  rounds: number;
  /** Rounds of the reading on a slice of a long module, after a long round of the whole (none otherwise). */
  sliceRounds: number;
}
/**
 * Sent by a client when the user opens a hot module's file: the agent prepares the module's
 * running code as a new version in place and discards it (a prepare and an abort of unchanged
 * code), so that the code paths the first save runs are compiled and warm before it. Nothing
 * in the app runs or changes; a module whose code would be evaluated whole is not touched.
 */
export const warm = new RequestType<FileParams, WarmResult, void>('agent/warm');

export const ReadAheadParams = z.strictObject({
  file: filePath(),
  code: z.string(),
});
export type ReadAheadParams = z.infer<typeof ReadAheadParams>;
export interface ReadAheadResult {
  /** False when nothing was kept: the module's versions are not live, or the code does not parse. */
  read: boolean;
  /** The reading's number, when one was kept: a prepare may send it in place of the code (PrepareParams). */
  reading?: number;
  /** Milliseconds the reading (and building the patch) took inside the agent. */
  ms: number;
}
/**
 * Sent by a client while the user edits a hot module's file, when typing pauses: the agent
 * reads `code` (the file's next version, compiled as a save would send it), builds the patch
 * from the running version, and keeps both for a prepare of exactly that code. Nothing in the
 * app runs or changes.
 */
export const readAhead = new RequestType<ReadAheadParams, ReadAheadResult, void>('agent/readAhead');

export const RollbackParams = z.strictObject({
  files: z.array(filePath()).check(z.minLength(1), z.maxLength(1000)),
  extra: z.optional(z.unknown()),
  suspendTimeoutMs: timeoutMs(),
  purge: z.optional(UpgradePurge),
});
export type RollbackParams = z.input<typeof RollbackParams>;
/**
 * Sent by a client to make each module's old version current again, converting states with
 * the current version's `codeChange({ down: oldVsn }, state, extra)`; all or nothing.
 */
export const rollback = new RequestType<RollbackParams, CommitResult, UpgradeErrorData>('agent/rollback');

export const ProcessesParams = z.strictObject({ file: z.optional(shortString(4096)) });
export type ProcessesParams = z.infer<typeof ProcessesParams>;
/** Sent by a client to list live server processes, optionally of one module. */
export const processes = new RequestType<ProcessesParams, { processes: ProcessInfo[] }, void>('agent/processes');

export const ProcessParams = z.strictObject({ process: boundedString(1, 200) });
export type ProcessParams = z.infer<typeof ProcessParams>;
/** Sent by a client to read a process's state (sys:get_state), rendered JSON-safe. */
export const getState = new RequestType<ProcessParams, { process: ProcessInfo; state: unknown }, void>(
  'agent/getState',
);

export const ReplaceStateParams = z.strictObject({ process: boundedString(1, 200), state: z.unknown() });
export type ReplaceStateParams = z.infer<typeof ReplaceStateParams>;
/**
 * Sent by a client to replace a process's state (sys:replace_state): between two messages, in
 * mailbox order while it runs, at once while it is suspended; refused (-32017) during an upgrade.
 */
export const replaceState = new RequestType<ReplaceStateParams, { process: ProcessInfo }, void>('agent/replaceState');

export const SuspendParams = z.strictObject({
  process: boundedString(1, 200),
  timeoutMs: timeoutMs(),
});
export type SuspendParams = z.input<typeof SuspendParams>;
/**
 * Sent by a client to suspend a process (sys:suspend): once its running handler finishes it
 * takes no more messages (they queue) until agent/resume, while system messages (replaceState)
 * are still handled at once. Answered once the process is suspended; -32018 (and the process
 * left running) when its handler does not finish within `timeoutMs`. An upgrade does not end it.
 */
export const suspend = new RequestType<SuspendParams, { process: ProcessInfo }, void>('agent/suspend');
/**
 * Sent by a client to resume a process it suspended (sys:resume); queued messages are handled.
 * A suspension by an upgrade in progress stays until the upgrade ends.
 */
export const resume = new RequestType<ProcessParams, { process: ProcessInfo }, void>('agent/resume');

export const SupervisorsParams = z.strictObject({});
export type SupervisorsParams = z.infer<typeof SupervisorsParams>;
/**
 * Sent by a client to list the app's running supervisors, each with its children (OTP's
 * which_children). A supervisor child is listed by its id in its parent's children and as a
 * supervisor of its own; the roots of the trees are those no other supervisor lists.
 */
export const supervisors = new RequestType<SupervisorsParams, { supervisors: SupervisorInfo[] }, void>(
  'agent/supervisors',
);

/** What `agent/status` reports of a process (sys:get_status). */
export interface ProcessStatusResult {
  process: ProcessInfo;
  /** Rendered JSON-safe, as for agent/getState. */
  state: unknown;
  /** Who holds it suspended: a client (agent/suspend), an upgrade in progress, both, or nobody. */
  suspendedBy: ('sys' | 'upgrade')[];
  /** Its init has returned. */
  initialized: boolean;
  /** What its running handler is handling, when one runs (`continue`: its handleContinue). */
  handling?: 'init' | 'call' | 'cast' | 'info' | 'continue';
}
/** Sent by a client to read a process's status (sys:get_status): its info, state and suspension. */
export const status = new RequestType<ProcessParams, ProcessStatusResult, void>('agent/status');

// ---------------------------------------------------------------------------------------------
// Notifications (agent → every initialized client)

/** Sent by the agent when a module's first version loads at startup and after every load. */
export const moduleLoaded = new NotificationType<{ module: ModuleInfo }>('agent/moduleLoaded');
/** Sent by the agent when a module's old version was purged. */
export const modulePurged = new NotificationType<{ module: ModuleInfo }>('agent/modulePurged');
/** Sent by the agent when a server process starts. */
export const processStarted = new NotificationType<{ process: ProcessInfo }>('agent/processStarted');
/** Sent by the agent when a server process exits, with why ('normal', 'shutdown', 'killed' or the crash). */
export const processExited = new NotificationType<{ process: ProcessInfo; reason: string }>('agent/processExited');

/**
 * Sent by the agent when who holds a process suspended changed (agent/suspend, agent/resume, an
 * upgrade suspending or resuming it), once per process per event-loop turn, with its info as
 * the turn left it. A turn that changed more than 100 processes (an upgrade of a module with
 * many) sends `agent/processesChanged` for their modules instead.
 */
export const processChanged = new NotificationType<{ process: ProcessInfo }>('agent/processChanged');
/** Sent by the agent instead of many `agent/processChanged`: read these modules' processes again. */
export const processesChanged = new NotificationType<{ files: string[] }>('agent/processesChanged');
/** Sent by the agent when a supervisor has started (its children started), in the turn after. */
export const supervisorStarted = new NotificationType<{ supervisor: SupervisorInfo }>('agent/supervisorStarted');
/**
 * Sent by the agent when a supervisor's children or options changed: a child started, exited,
 * was restarted, terminated or deleted, or a load changed its specs. At most once per
 * supervisor per event-loop turn, after the process notifications of that turn.
 */
export const supervisorChanged = new NotificationType<{ supervisor: SupervisorInfo }>('agent/supervisorChanged');
/** Sent by the agent when a supervisor exits ('shutdown', or why it gave up), after its children's exits. */
export const supervisorExited = new NotificationType<{ supervisor: SupervisorInfo; reason: string }>(
  'agent/supervisorExited',
);

/** Every request's parameter schema, by method name: the agent validates with these. */
export const paramSchemas = {
  [initialize.method]: InitializeParams,
  [modules.method]: ModulesParams,
  [load.method]: LoadParams,
  [purge.method]: FileParams,
  [softPurge.method]: FileParams,
  [source.method]: SourceParams,
  [prepare.method]: PrepareParams,
  [commit.method]: CommitParams,
  [abort.method]: PlanParams,
  [warm.method]: FileParams,
  [readAhead.method]: ReadAheadParams,
  [rollback.method]: RollbackParams,
  [processes.method]: ProcessesParams,
  [getState.method]: ProcessParams,
  [replaceState.method]: ReplaceStateParams,
  [suspend.method]: SuspendParams,
  [resume.method]: ProcessParams,
  [status.method]: ProcessParams,
  [supervisors.method]: SupervisorsParams,
} as const;
