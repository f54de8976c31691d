// Installs what the real-VS Code tests need, once, into .cache/ (see test/e2e/README.md):
//   Node 24 (npm package `node`, shared with scripts/ensure-node-versions.mjs) and
//   code-server (VS Code's server with the web workbench), installed with that Node first on PATH
//   and its headers for node-gyp, since code-server compiles native modules (≈150 s, ≈620 MB).
// playwright-core and mocha are pinned devDependencies (`npm ci`); Chromium and the Kerberos
// headers are Debian packages, installed here when running as root. Idempotent: a second run
// checks and exits.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureNode } from '../ensure-node-versions.mjs';
import {
  aptHint,
  cacheDir,
  chromium,
  codeServerEntry,
  codeServerMarker,
  codeServerPrefix,
  codeServerVersion,
  node,
  nodeDir,
  nodeMajor,
  root,
} from './paths.mjs';

const started = Date.now();
const fail = (message) => {
  console.error(`vscode-test setup: ${message}`);
  process.exit(1);
};

// Debian packages first: without them the long code-server install would fail late. As root
// (CI, this project's machines) they are installed here, so a fresh machine needs no step of its own.
const missingDebian = () => !existsSync(chromium) || !existsSync('/usr/include/gssapi/gssapi.h');
if (missingDebian() && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log('vscode-test setup: installing chromium and libkrb5-dev from Debian');
  const apt = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  execFileSync('apt-get', ['update'], apt);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'libkrb5-dev'], apt);
}
if (!existsSync(chromium)) fail(`${chromium} is missing; install it with\n  ${aptHint}`);
if (!existsSync('/usr/include/gssapi/gssapi.h')) {
  fail(`the Kerberos headers (libkrb5-dev) that code-server's native module needs are missing:\n  ${aptHint}`);
}

// devDependencies (npm ci at the root).
const requireFromRoot = createRequire(join(root, 'package.json'));
for (const name of ['playwright-core', 'mocha']) {
  try {
    requireFromRoot.resolve(`${name}/package.json`);
  } catch {
    fail(`${name} is not installed: run npm ci (it is a devDependency)`);
  }
}

ensureNode(nodeMajor);

if (!existsSync(codeServerMarker) || !existsSync(codeServerEntry)) {
  console.log(`installing code-server@${codeServerVersion} into ${codeServerPrefix} (compiles native modules, ≈3 min)`);
  rmSync(codeServerPrefix, { recursive: true, force: true });
  mkdirSync(codeServerPrefix, { recursive: true });
  // A package.json of its own, so npm does not walk up into this repo's workspaces.
  writeFileSync(join(codeServerPrefix, 'package.json'), '{ "private": true }\n');
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `code-server@${codeServerVersion}`],
    {
      cwd: codeServerPrefix,
      stdio: 'inherit',
      env: {
        // Not the npm_* variables of an outer `npm test`: npm reads npm_config_* as its own
        // configuration, and code-server's postinstall checks the Node version in the inherited
        // npm_config_user_agent (which names the outer npm's Node 20).
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
        // code-server's install scripts run `node` and node-gyp: both must be Node 24's.
        PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
        npm_config_nodedir: nodeDir,
      },
    },
  );
  if (!existsSync(codeServerEntry)) fail(`code-server installed but ${codeServerEntry} is missing`);
  writeFileSync(codeServerMarker, `${codeServerVersion}\n`);
}

// --version of each tool; code-server's writes a default config under XDG_CONFIG_HOME, so give it ours.
const xdg = join(cacheDir, 'setup-xdg');
const version = (cmd, args) =>
  execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data') },
  })
    .trim()
    .split('\n')
    .at(-1);
console.log(`node ${nodeMajor}: ${version(node, ['--version'])}`);
console.log(`code-server: ${version(node, [codeServerEntry, '--version'])}`);
console.log(`chromium: ${version(chromium, ['--version'])}`);
console.log(`vscode-test setup ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
