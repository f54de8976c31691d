// `npm run package`: writes the VS Code extension's .vsix with @vscode/vsce (a devDependency,
// nothing downloaded). vsce runs `vscode:prepublish` (npm run build) first, and takes only what
// .vscodeignore allows. The server's esbuild ships its native binary for this machine, so the
// .vsix is marked for this platform (`--target`); build on each platform you publish for.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// esbuild's package for this machine, e.g. @esbuild/linux-x64 → vsce target linux-x64.
const platforms = readdirSync(join(root, 'node_modules', '@esbuild'));
if (platforms.length !== 1) {
  console.error(
    `expected one esbuild platform package in node_modules/@esbuild, found: ${platforms.join(', ') || 'none'}`,
  );
  process.exit(1);
}
const target = platforms[0].replace(/-arm$/, '-armhf');
const out = join(root, `${name}-${target}-${version}.vsix`);

const vscePackage = require.resolve('@vscode/vsce/package.json');
const vsce = join(dirname(vscePackage), JSON.parse(readFileSync(vscePackage, 'utf8')).bin.vsce);
const args = ['package', '--target', target, '--out', out, '--allow-missing-repository', '--no-rewrite-relative-links'];
execFileSync(process.execPath, [vsce, ...args], { cwd: root, stdio: 'inherit' });

console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MB (unzip -l lists its files)`);
