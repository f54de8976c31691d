// Runs every test file with Node's own test runner (tests are TypeScript, loaded through tsx).
// Usage: node scripts/run-tests.mjs [unit|integration|ui|FILE...]
// Without arguments: unit and integration. ui (a real VS Code in Chromium) needs
// scripts/vscode-test/setup.mjs first; the root's npm test runs it after the extension-host suite.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const testRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const tiers = ['unit', 'integration', 'ui'];
const defaultTiers = ['unit', 'integration'];
const args = process.argv.slice(2);
const files = (
  args.length > 0 && !args.every((a) => tiers.includes(a))
    ? args
    : (args.length ? args : defaultTiers).flatMap((tier) =>
        readdirSync(join(testRoot, tier))
          .filter((f) => f.endsWith('.test.ts'))
          .sort()
          .map((f) => join(tier, f)),
      )
).map((f) => relative(testRoot, join(testRoot, f)));

// Each UI test file runs its own code-server and Chromium: one at a time.
const concurrency = files.every((f) => f.startsWith(`ui${sep}`) || f.startsWith('ui/')) ? 1 : 2;
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${concurrency}`, ...files],
  // `hotpatch load` of TypeScript starts a load server that outlives it, as a user's does; the
  // suite's loads run in their own process, as CI's do (CI is set there), but for the tests of
  // that server (integration/load-server.test.ts), which turn it on.
  {
    cwd: testRoot,
    stdio: 'inherit',
    env: { ...process.env, HOTPATCH_LOAD_SERVER: process.env.HOTPATCH_LOAD_SERVER ?? '0' },
  },
);
process.exit(result.status ?? 1);
