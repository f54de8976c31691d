/** Server processes and supervisors as inspection shows them, and the shapes of their states. */
import * as z from 'zod/mini';

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
