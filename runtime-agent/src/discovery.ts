/**
 * Discovery files: each running agent writes `<pid>.json` (mode 0600, folder 0700) so that
 * clients on this machine, and only this user, can find and authenticate to it. Removed when
 * the process exits, including on SIGINT/SIGTERM.
 *
 * The record holds the token, and clients send source to the URL it names: a folder another
 * user owns or can write to would let that user read the token or replace the record. Such a
 * folder is not used (the app runs on, unannounced, with a warning saying why and how to fix it).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { folderProblem, writePrivateFile } from './private-files';
import type { DiscoveryRecord } from './protocol';
import { errorMessage } from './error-message';

/** `$HOTPATCH_DISCOVERY_DIR`, else `~/.hotpatch/agents`. */
export function defaultDiscoveryDir(): string {
  return process.env.HOTPATCH_DISCOVERY_DIR || join(homedir(), '.hotpatch', 'agents');
}

export function discoveryFile(dir: string, pid: number): string {
  return join(dir, `${pid}.json`);
}

/**
 * Writes the record atomically and arranges its removal at exit; returns the remover. When the
 * folder cannot be trusted or written, writes nothing, warns on stderr, and returns a no-op.
 */
export function publish(dir: string, record: DiscoveryRecord): () => void {
  const file = discoveryFile(dir, record.pid);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const problem = folderProblem(dir);
    if (problem) throw new Error(problem);
    writePrivateFile(file, JSON.stringify(record, null, 2));
  } catch (error) {
    // Shown even with HOTPATCH_QUIET: without a record no client finds this app.
    process.stderr.write(
      `hotpatch agent: not announcing this app in ${dir}: ${errorMessage(error)}. ` +
        `Clients will not find it; use a folder only you can write to (HOTPATCH_DISCOVERY_DIR).\n`,
    );
    return () => {};
  }

  const remove = (): void => rmSync(file, { force: true });
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    // Only act for the default behaviour: when the app handles the signal itself, it decides.
    process.off(signal, onSignal);
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('exit', remove);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    remove();
    process.off('exit', remove);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
