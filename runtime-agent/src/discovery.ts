/**
 * Discovery files: each running agent writes `<pid>.json` (mode 0600, folder 0700) so that
 * clients on this machine, and only this user, can find and authenticate to it. Removed when
 * the process exits, including on SIGINT/SIGTERM.
 */
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DiscoveryRecord } from './protocol';

/** `$HOTPATCH_DISCOVERY_DIR`, else `~/.hotpatch/agents`. */
export function defaultDiscoveryDir(): string {
  return process.env.HOTPATCH_DISCOVERY_DIR || join(homedir(), '.hotpatch', 'agents');
}

export function discoveryFile(dir: string, pid: number): string {
  return join(dir, `${pid}.json`);
}

/** Writes the record atomically and arranges its removal at exit; returns the remover. */
export function publish(dir: string, record: DiscoveryRecord): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = discoveryFile(dir, record.pid);
  const temporary = `${file}.${process.hrtime.bigint()}.tmp`;
  writeFileSync(temporary, JSON.stringify(record, null, 2), { mode: 0o600 });
  chmodSync(temporary, 0o600); // the umask may have narrowed it, never widened; make it exact
  renameSync(temporary, file);

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
