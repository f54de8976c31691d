/**
 * The restarted app's side of a restart (restart.ts): before the app's first line, it waits
 * until the process it replaces is gone. Apart from restart.ts so that the preload, which runs
 * this in every app, does not load child_process (issue 13: startup).
 */

/** The variable that tells a restarted app which process it replaces. */
export const RESTART_AFTER = 'HOTPATCH_RESTART_AFTER';

/**
 * In a restarted app, before anything of the app runs: waits (blocking, at most `timeoutMs`)
 * until the process it replaces has exited.
 */
export function waitForPredecessor(timeoutMs = 10_000): void {
  const pid = Number(process.env[RESTART_AFTER]);
  delete process.env[RESTART_AFTER];
  if (!Number.isInteger(pid) || pid <= 0) return;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && isRunning(pid)) Atomics.wait(sleeper, 0, 0, 20);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
