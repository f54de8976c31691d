/**
 * Finding running agents: every `<pid>.json` in the discovery folder whose process is alive.
 * Records of processes that died without cleaning up are skipped (and removed when ours).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { DiscoveryRecord } from 'hotpatch-agent/protocol';

/** `$HOTPATCH_DISCOVERY_DIR`, else `~/.hotpatch/agents` — the agent's own default. */
export function defaultDiscoveryDir(): string {
  return process.env.HOTPATCH_DISCOVERY_DIR || join(homedir(), '.hotpatch', 'agents');
}

export function readDiscoveryDir(dir: string = defaultDiscoveryDir()): DiscoveryRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const records: DiscoveryRecord[] = [];
  for (const name of names.filter((n) => /^\d+\.json$/.test(n)).sort()) {
    const file = join(dir, name);
    const record = parseRecord(file);
    if (!record) continue;
    if (!isAlive(record.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    records.push(record);
  }
  return records;
}

function parseRecord(file: string): DiscoveryRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<DiscoveryRecord>;
    if (typeof value.pid !== 'number' || typeof value.url !== 'string' || typeof value.token !== 'string')
      return undefined;
    return value as DiscoveryRecord;
  } catch {
    return undefined; // being written, or not ours
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
