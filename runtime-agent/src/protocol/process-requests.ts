/** Requests (client → agent): server processes and supervisors (OTP's sys and supervisor calls). */
import { RequestType } from 'vscode-jsonrpc';
import type { ProcessInfo, SupervisorInfo } from './process-info';
import * as z from 'zod/mini';
import { boundedString, shortString, timeoutMs } from './schemas';

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
