import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturesDir = join(repoRoot, 'test', 'fixtures');
/** Scratch space inside the repository so apps resolve `hotpatch-agent/register` and `tsx` like a user's would. */
export const tmpRoot = join(repoRoot, 'test', '.tmp');
export const exampleAppDir = join(repoRoot, 'examples', 'counter-app');
export const cliBin = join(repoRoot, 'cli', 'bin', 'hotpatch.js');

export interface NodeRuntime {
  major: number;
  bin: string;
}

/** Node 20 (this machine's) plus 22, 24 and 26 from scripts/ensure-node-versions.mjs, when installed. */
export function nodeRuntimes(): NodeRuntime[] {
  const runtimes: NodeRuntime[] = [{ major: Number(process.versions.node.split('.')[0]), bin: process.execPath }];
  for (const major of [22, 24, 26]) {
    const bin = join(repoRoot, '.cache', 'node-versions', String(major), 'node_modules', 'node', 'bin', 'node');
    if (existsSync(bin)) runtimes.push({ major, bin });
  }
  if (process.env.CI && runtimes.length < 4)
    throw new Error('CI must test Node 20, 22, 24 and 26: run npm run pretest');
  return runtimes;
}

/** Bun from scripts/ensure-bun.mjs (`npm run bench` and `npm run corpus` install it), when installed. */
export function bunBinary(): string | undefined {
  const bin = join(repoRoot, '.cache', 'bun', 'node_modules', '@oven', 'bun-linux-x64', 'bin', 'bun');
  return existsSync(bin) ? bin : undefined;
}
