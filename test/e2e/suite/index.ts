// Entry point of the extension-host tests, the `extensionTestsPath` module: VS Code (desktop through
// @vscode/test-electron, or code-server's web workbench through scripts/vscode-test/run.mjs) loads
// it in the extension host and awaits run(). Runs every *.test.js beside it with mocha (tdd: suite,
// test) and ends with a plain "e2e: N passed, N failed" line for CI.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/**
 * Set by scripts/vscode-test/run.mjs: code-server's workbench receives the extension host's console
 * among its own log lines, so every line the extension host prints during the run is tagged for the
 * runner to pick out. Under @vscode/test-electron the output goes to stdout untagged.
 */
const tag = process.env.HOTPATCH_E2E_CONSOLE_TAG;
/**
 * Also set by run.mjs: where the run's outcome is written, test by test, for the runner to read
 * when the console stopped reaching it (the workbench has dropped the extension host's lines).
 */
const summaryFile = process.env.HOTPATCH_E2E_SUMMARY;

export async function run(): Promise<void> {
  if (tag) tagConsole(tag);
  // The suites save as a user does (Ctrl+S); code-server's default auto-save after a delay would
  // save first, and auto-saves do not load (hotpatch.loadOnAutoSave is off).
  await vscode.workspace.getConfiguration('files').update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    // Activation and language-server start-up on a 2-core machine.
    timeout: 60_000,
    ...(process.env.HOTPATCH_E2E_GREP ? { grep: process.env.HOTPATCH_E2E_GREP } : {}),
  });
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(join(__dirname, file));
  }
  await new Promise<void>((resolve, reject) => {
    const tests: Array<{ title: string; state: string }> = [];
    const runner = mocha.run((failures) => {
      const { passes = 0, pending = 0 } = runner.stats ?? {};
      if (summaryFile) writeFileSync(summaryFile, JSON.stringify({ passes, failures, pending, tests }));
      console.log(`e2e: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('test end', (test) => tests.push({ title: test.fullTitle(), state: test.state ?? 'pending' }));
  });
}

function tagConsole(prefix: string): void {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level].bind(console);
    // The extension host defines console's methods as accessors whose setter ignores assignment.
    Object.defineProperty(console, level, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) =>
        typeof args[0] === 'string' ? original(prefix + args[0], ...args.slice(1)) : original(prefix, ...args),
    });
  }
  // Mocha's reporters print through the console.log they found when mocha was loaded.
  (Mocha.reporters.Base as unknown as { consoleLog: typeof console.log }).consoleLog = console.log;
}
