/**
 * `npm run bench`: every benchmark in turn (one failing does not stop the others), then the
 * table of issue 13's goals with what each measured (goals.ts). Exits non-zero when a benchmark broke.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BENCHMARKS = [
  'app-cost.ts',
  'first-response.ts',
  'run.ts',
  'live.ts',
  'upgrade.ts',
  'lsp.ts',
  'state-saves.ts',
  'cli.ts',
  'baselines.ts',
  'state-types.ts',
  'tree.ts',
];

const tsx = (script: string, ...args: string[]): number =>
  spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], { stdio: 'inherit' })
    .status ?? 1;

const only = process.argv.slice(2);
tsx('goals.ts', 'reset');
const broken = BENCHMARKS.filter((b) => only.length === 0 || only.some((o) => b.startsWith(o))).filter(
  (b) => tsx(b) !== 0,
);
tsx('goals.ts', 'table');
if (broken.length > 0) {
  console.error(`\nbenchmarks that broke: ${broken.join(', ')}`);
  process.exitCode = 1;
}
