/**
 * "Needs a restart" is an outcome of its own (.NET Hot Reload's rude edits): what cannot apply
 * in place applies when the app starts again. The agent restarts the app as it was started:
 * the same executable, Node options, script and arguments, environment and working directory,
 * in the same process group (Ctrl+C in its terminal still stops it) and with the same output.
 *
 * The new process waits, before the app's first line, until this one is gone: every port it
 * held is free by then, whichever framework opened it.
 */
import { spawn } from 'node:child_process';

/** The variable that tells a restarted app which process it replaces. */
export const RESTART_AFTER = 'HOTPATCH_RESTART_AFTER';

/** Starts the app again and ends this process once the reply has had time to leave. */
export function restartApp(beforeExit: () => Promise<void>): { pid: number } {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    cwd: process.cwd(),
    env: { ...process.env, [RESTART_AFTER]: String(process.pid) },
    stdio: 'inherit',
  });
  child.unref();
  // The reply to the client is written asynchronously: leave the loop a moment to send it.
  setTimeout(() => {
    void beforeExit().finally(() => process.exit(0));
  }, 100);
  return { pid: child.pid ?? 0 };
}

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
