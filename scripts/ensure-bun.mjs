// Installs Bun, pinned, from the npm registry's `@oven/bun-linux-x64` (a native binary of tens
// of megabytes, so not a dependency) into .cache/bun/, once: `npm run bench` and `npm run
// corpus` compare Hotpatch with `bun --hot` on the same apps and edits. Bun publishes that
// package for Linux on x64 only; elsewhere, or when the install fails, they run without it and
// say so.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPinned } from './install-pinned.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Pinned so every run compares with the same Bun: the newest release in the registry. */
const BUN_VERSION = '1.4.5';

function ensureBun() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.log(
      `bun --hot is not compared: Bun's npm package is for linux-x64, this is ${process.platform}-${process.arch}`,
    );
    return undefined;
  }
  return installPinned({
    prefix: join(root, '.cache', 'bun'),
    name: '@oven/bun-linux-x64',
    version: BUN_VERSION,
    bin: join('bin', 'bun'),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    ensureBun();
  } catch (error) {
    // A comparison, not a reason for the benchmarks or the corpus not to run.
    console.log(`bun --hot is not compared: Bun could not be installed: ${error.message}`);
  }
}
