// Where the real-VS Code test tools live (all under .cache/, gitignored) and their pinned versions.
// See scripts/vscode-test/setup.mjs for how they are installed.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeBinary, nodeDistDir } from '../ensure-node-versions.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** code-server is VS Code's server (1.139 for 4.139.1) with the web workbench; it needs Node 24. */
export const codeServerVersion = '4.139.1';
export const nodeMajor = 24;
export const node = nodeBinary(nodeMajor);
/** bin/node and include/node of that Node: first on PATH and npm_config_nodedir while installing code-server. */
export const nodeDir = nodeDistDir(nodeMajor);
export const cacheDir = join(root, '.cache', 'vscode-test');
export const codeServerPrefix = join(cacheDir, `code-server-${codeServerVersion}`);
export const codeServerEntry = join(codeServerPrefix, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
/** Written last by setup, so a half-finished install is redone. */
export const codeServerMarker = join(codeServerPrefix, '.installed');
export const chromium = process.env.HOTPATCH_CHROMIUM ?? '/usr/bin/chromium';
/** The mocha suite (TypeScript) and where esbuild puts it. */
export const suiteSrc = join(root, 'test', 'e2e', 'suite');
export const suiteOut = join(root, 'test', 'e2e', 'out', 'suite');
export const suiteIndex = join(suiteOut, 'index.js');
/** The example app the suite's workspace is copied from, fresh for every run. */
export const exampleApp = join(root, 'examples', 'counter-app');
export const aptHint = 'apt-get install -y --no-install-recommends chromium libkrb5-dev';
