// Installs the extra Node.js majors the integration tests run apps on (22 and 24) from the
// npm registry's `node` package into .cache/node-versions/<major>/, once. The machine's own
// node (20) is always tested. Prints the binaries it provides.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Pinned so every run tests the same runtimes. */
const versions = { 22: '22.23.3', 24: '24.9.0' };

export function nodeBinary(major) {
  return join(root, '.cache', 'node-versions', String(major), 'node_modules', 'node', 'bin', 'node');
}

for (const [major, version] of Object.entries(versions)) {
  const bin = nodeBinary(major);
  if (existsSync(bin)) continue;
  const prefix = join(root, '.cache', 'node-versions', major);
  mkdirSync(prefix, { recursive: true });
  console.log(`installing node@${version} into ${prefix}`);
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', `node@${version}`], {
    stdio: 'inherit',
  });
  if (!existsSync(bin)) throw new Error(`node@${version} installed but ${bin} is missing`);
}
for (const major of Object.keys(versions)) {
  console.log(`node ${major}: ${execFileSync(nodeBinary(major), ['--version']).toString().trim()}`);
}
