import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { App } from './app';
import { cliBin } from './paths';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `hotpatch` CLI against a discovery folder (in `cwd`, else this process's). */
export function runCli(
  args: string[],
  discoveryDir: string,
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliBin, ...args],
      { env: { ...process.env, HOTPATCH_DISCOVERY_DIR: discoveryDir, ...env }, timeout: 30_000, cwd },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Writes `edit` of the app's `file` to disk and loads it with the real CLI, which must succeed. */
export async function loadEdited(app: App, file: string, edit: (text: string) => string): Promise<CliResult> {
  app.edit(file, edit);
  const cli = await runCli(['load', app.file(file)], app.discoveryDir);
  assert.equal(cli.code, 0, cli.stderr + cli.stdout);
  return cli;
}
