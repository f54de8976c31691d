/**
 * Hotpatch's custom LSP messages, in one file used as-is by the language server and every
 * client (the VS Code extension, tests). Standard LSP carries the rest: diagnostics on a
 * changed state type, `window/showMessageRequest` for the migration prompt, a code action
 * that writes the codeChange stub.
 */
import type { ProcessInfo, ProcessStatusResult, UpgradePlan } from 'hotpatch-agent/protocol';
import type { AgentSnapshot } from '../engine/live-model';
import { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/**
 * One app as the tree shows it: its facts, connection state, modules (with their processes),
 * supervisors, and whether a debugger holds it paused (saves for it wait for the resume).
 */
export type TreeAgent = AgentSnapshot & { pausedInDebugger?: boolean };

/** Sent from the client to read the live model: apps → modules → versions → processes. */
export const treeRequest = new RequestType0<{ agents: TreeAgent[] }, void>('hotpatch/tree');
/** Sent from the server whenever the live model changed; the client asks for the tree again. */
export const treeChanged = new NotificationType0('hotpatch/treeChanged');

/** The outcome of one patch, as reported after a save or a hot-load command. */
export interface PatchReport {
  uri: string;
  /** `queued`: an app it goes to is paused in the debugger; the save loads when it resumes (a second report). */
  outcome: 'loaded' | 'failed' | 'notRunning' | 'unchanged' | 'syntaxError' | 'migrationNeeded' | 'queued';
  /** Milliseconds from the save reaching the server to the new code being live everywhere. */
  ms?: number;
  /** One line per agent: what was loaded where, or what failed. */
  lines: string[];
  /** The files (URIs) loaded in the same release as this one, this one included, when there were several (a Save All). */
  release?: string[];
}

/** Sent from the server after every save it handled (status bar, output channel). */
export const patched = new NotificationType<PatchReport>('hotpatch/patched');

/**
 * Sent from the server when an edited file's next version was read ahead in the apps, once
 * typing paused (engine/read-ahead.ts): which agents kept a reading for its save, and how long
 * each took; `prepared`, whether every one also prepared the save (engine/prepared-ahead.ts).
 * Sent once the save's state-type analyses of the text are made too (engine/analysis-ahead.ts).
 * For tools and tests; the extension needs nothing from it.
 */
export interface ReadAheadParams {
  uri: string;
  agents: Array<{ pid: number; read: boolean; ms: number }>;
  prepared: boolean;
}
export const readAhead = new NotificationType<ReadAheadParams>('hotpatch/readAhead');

/** Sent from the client to hot-load a file now, whether or not it was saved. */
export const loadRequest = new RequestType<{ uri: string }, PatchReport, void>('hotpatch/load');

export interface ModuleTarget {
  /** Agent pid. */
  pid: number;
  /** The module file as the agent loaded it. */
  file: string;
}

/** Sent from the client to make a module's old version current again (codeChange({ down })). */
export const rollbackRequest = new RequestType<ModuleTarget, PatchReport, void>('hotpatch/rollback');
/** Sent from the client to purge (kill processes in old code) or soft purge (refuse) a module. */
export const purgeRequest = new RequestType<ModuleTarget & { soft: boolean }, PatchReport, void>('hotpatch/purge');
/** Sent from the client to read a process's state, rendered JSON-safe. */
export const processStateRequest = new RequestType<{ pid: number; process: string }, { state: unknown }, void>(
  'hotpatch/processState',
);
/** A process of an app: the agent's pid and the process's id or registered name. */
export interface ProcessTarget {
  pid: number;
  process: string;
}
/** Sent from the client to suspend or resume a process (sys:suspend, sys:resume); answered with the process as it is then. */
export const processSysRequest = new RequestType<
  ProcessTarget & { action: 'suspend' | 'resume' },
  { process: ProcessInfo },
  void
>('hotpatch/processSys');
/** Sent from the client to read a process's status (sys:get_status): its info, state, suspension and handler. */
export const processStatusRequest = new RequestType<ProcessTarget, ProcessStatusResult, void>('hotpatch/processStatus');
/** Sent from the client to read a loaded version's source, to diff it with the editor's file. */
export const sourceRequest = new RequestType<ModuleTarget & { version: 'current' | 'old' }, { source: string }, void>(
  'hotpatch/source',
);
/** Sent from the client to preview a migration: the prepared plan's before/after states, nothing committed. */
export const migrationPreviewRequest = new RequestType<{ uri: string }, { plans: UpgradePlan[] }, void>(
  'hotpatch/migrationPreview',
);

/**
 * Sent from the client when a debugger pauses or resumes an app (by pid): a paused app answers
 * nothing, so saves for it wait for the resume instead of timing out, and its silence is not
 * taken for a dead connection.
 */
export const debuggerPausedNotification = new NotificationType<{ pid: number; paused: boolean }>(
  'hotpatch/debuggerPaused',
);
