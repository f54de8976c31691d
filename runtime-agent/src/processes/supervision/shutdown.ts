/**
 * How a supervisor ends one child (OTP's shutdown in a child spec): `brutal_kill` kills it at
 * once (no terminate); a time in ms (default 5000) or `infinity` lets a handler it is running
 * (at an await) finish first, its reply sent, then ends it with 'shutdown' (terminate runs);
 * a child still busy when the time is up is killed ('killed', no terminate), as OTP's
 * exit(Child, kill) after the shutdown timeout.
 */
import type { ServerProcess } from '../server-process';

export type Shutdown = number | 'brutal_kill' | 'infinity';

export const DEFAULT_SHUTDOWN_MS = 5000;

export async function shutdownProcess(process: ServerProcess, shutdown: Shutdown): Promise<void> {
  if (process.status === 'dead') return;
  if (shutdown === 'brutal_kill') return process.kill('killed');
  if (!process.busy) return process.kill('shutdown');
  // It takes no more messages; the running handler finishes (or the time runs out).
  const idle = process.sysSuspend().then(() => false);
  let timer: NodeJS.Timeout | undefined;
  const expired =
    shutdown === 'infinity'
      ? new Promise<boolean>(() => undefined)
      : new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), shutdown)));
  const timedOut = await Promise.race([idle, expired]);
  clearTimeout(timer);
  process.kill(timedOut ? 'killed' : 'shutdown');
}

/** Throws a TypeError for a shutdown a supervisor cannot use. */
export function checkShutdown(id: string, shutdown: unknown): void {
  if (shutdown === undefined || shutdown === 'brutal_kill' || shutdown === 'infinity') return;
  if (typeof shutdown === 'number' && shutdown >= 0 && Number.isFinite(shutdown)) return;
  throw new TypeError(
    `supervise: child '${id}' has shutdown ${String(shutdown)}: a time in ms, 'brutal_kill' or 'infinity'`,
  );
}
