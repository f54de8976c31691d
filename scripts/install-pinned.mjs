// Installs one pinned version of an npm package into its own folder under .cache/ (not a
// dependency of any workspace: a runtime the tests or benchmarks run apps on), once. A folder
// holding another version is replaced.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The version of `name` installed in `prefix`, if any. */
function installedVersion(prefix, name) {
  try {
    return JSON.parse(readFileSync(join(prefix, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Installs `name@version` into `prefix` unless it is there; returns `bin` (a path inside the package). */
export function installPinned({ prefix, name, version, bin }) {
  const file = join(prefix, 'node_modules', name, bin);
  if (existsSync(file) && installedVersion(prefix, name) === version) return file;
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  console.log(`installing ${name}@${version} into ${prefix}`);
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', `${name}@${version}`], {
    stdio: 'inherit',
  });
  if (!existsSync(file)) throw new Error(`${name}@${version} installed but ${file} is missing`);
  return file;
}
