/**
 * What `hotpatch load` and its load server say to each other, over JSON-RPC on the socket
 * (vscode-jsonrpc's framing, as the agents' connections use). The server runs the load as the
 * CLI would in-process and sends each line as it is printed; the apps the load says need a
 * restart come back with the result, and the offer is made on the user's terminal.
 */
import * as z from 'zod/mini';

export const LOAD = 'hotpatch/load';
export const STATUS = 'hotpatch/status';
/** A notification: the server ends after the load under way, and closes its connections as it does. */
export const STOP = 'hotpatch/stop';
/** A line printed by the load, server → client. */
export const OUTPUT = 'hotpatch/output';

export const LoadParams = z.object({
  /** The client's folder: the server's own, or the request is refused. */
  cwd: z.string(),
  files: z.array(z.string()),
  options: z.object({
    discoveryDir: z.string(),
    requestTimeout: z.string(),
    json: z.optional(z.boolean()),
    migrate: z.optional(z.boolean()),
    restart: z.optional(z.boolean()),
  }),
});
export type LoadParams = z.infer<typeof LoadParams>;

export const LoadResult = z.union([
  z.object({
    exitCode: z.int(),
    /** The pids of the apps where something could not apply in place (offered a restart by the client). */
    restartPids: z.array(z.int()),
  }),
  /** Not run, and why (the server is ending): the client runs the load itself. */
  z.object({ notServed: z.string() }),
]);
export type LoadResult = z.infer<typeof LoadResult>;

export const OutputParams = z.object({ stream: z.enum(['out', 'err']), text: z.string() });
export type OutputParams = z.infer<typeof OutputParams>;

export const StatusResult = z.object({
  pid: z.int(),
  cwd: z.string(),
  startedAt: z.string(),
  loads: z.int(),
  /** How long the server stays without a request before it ends. */
  idleMs: z.int(),
});
export type StatusResult = z.infer<typeof StatusResult>;
