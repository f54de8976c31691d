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
import { RESTART_AFTER } from './predecessor';

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
