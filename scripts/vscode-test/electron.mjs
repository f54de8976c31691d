// Runs the same extension-host suite (test/e2e/suite) in a desktop VS Code through
// @vscode/test-electron, on machines that have one: set VSCODE_EXECUTABLE_PATH to its binary
// (e.g. /usr/share/code/code). Never downloads VS Code: without the variable it says so and skips.
// Usage: VSCODE_EXECUTABLE_PATH=/path/to/code node scripts/vscode-test/electron.mjs
import { runTests } from '@vscode/test-electron';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSuite } from './build-suite.mjs';
import { cacheDir, exampleApp, root } from './paths.mjs';

const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH;
if (!vscodeExecutablePath) {
  console.log(
    'vscode-test electron: skipped: set VSCODE_EXECUTABLE_PATH to a desktop VS Code binary ' +
      '(this script never downloads one; on machines without it use scripts/vscode-test/run.mjs)',
  );
  process.exit(0);
}
if (!existsSync(vscodeExecutablePath)) {
  console.error(`vscode-test electron: VSCODE_EXECUTABLE_PATH=${vscodeExecutablePath} does not exist`);
  process.exit(1);
}

const extensionTestsPath = await buildSuite();
// The same fixture as run.mjs: a fresh copy of the example app (inside the repo, so it resolves
// hotpatch-agent from the root node_modules), with profiles of its own.
const runDir = join(cacheDir, 'electron-run');
rmSync(runDir, { recursive: true, force: true });
const workspace = join(runDir, 'workspace');
mkdirSync(workspace, { recursive: true });
for (const entry of ['package.json', 'tsconfig.json', 'src', 'dist']) {
  if (existsSync(join(exampleApp, entry))) cpSync(join(exampleApp, entry), join(workspace, entry), { recursive: true });
}
let code = 1;
try {
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath,
    launchArgs: [
      workspace,
      '--disable-extensions',
      `--user-data-dir=${join(runDir, 'user-data')}`,
      `--extensions-dir=${join(runDir, 'extensions')}`,
    ],
  });
} catch (error) {
  console.error(`vscode-test electron: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  rmSync(runDir, { recursive: true, force: true });
}
process.exit(code);
