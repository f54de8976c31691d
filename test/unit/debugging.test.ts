import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { transformSync } from 'esbuild';
import { launcherEntry } from '../../runtime-agent/src/launchers';
import { LoadFailure, evaluateVersion } from '../../runtime-agent/src/code-server/evaluate';
import { DebuggerPauses } from '../../extension/src/server/debugger-pauses';
import type { AgentClient } from '../../extension/src/engine/agent-client';
import type { ModuleInfo } from '../../runtime-agent/src/protocol';

test('launchers are the processes whose entry script lies in node_modules (npm, tsx, nodemon)', () => {
  assert.equal(
    launcherEntry(['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'start']),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
  );
  assert.equal(
    launcherEntry(['node', '/app/node_modules/tsx/dist/cli.mjs', 'src/main.ts']),
    '/app/node_modules/tsx/dist/cli.mjs',
  );
  assert.equal(
    launcherEntry(['node', 'C:\\app\\node_modules\\nodemon\\bin\\nodemon.js']),
    'C:\\app\\node_modules\\nodemon\\bin\\nodemon.js',
  );
  assert.equal(launcherEntry(['node', '/app/dist/main.js']), undefined);
  assert.equal(launcherEntry(['node', '/app/node_modules_backup/main.js']), undefined, 'a folder merely named like it');
  assert.equal(launcherEntry(['node']), undefined, 'the REPL, -e');
});

test('each hot version runs under a URL of its own, and source-mapped stacks still name the TypeScript line', () => {
  const file = join('/app', 'dist', 'thrower.js');
  const source = 'export function boom(): never {\n  const why: string = "boom";\n  throw new Error(why);\n}\n';
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    sourcefile: '/app/src/thrower.ts',
    sourcemap: 'inline',
    sourcesContent: false,
  });
  const stackOf = (exports: unknown): string => {
    try {
      (exports as { boom(): never }).boom();
    } catch (error) {
      return (error as Error).stack ?? '';
    }
    return '';
  };
  // tsx, which runs the tests, turns source maps on: off, a stack shows the raw script URLs.
  process.setSourceMapsEnabled(false);
  try {
    const first = stackOf(evaluateVersion(file, code).exports);
    const second = stackOf(evaluateVersion(file, code).exports);
    assert.match(first, /\/app\/dist\/thrower\.js#hotpatch-2:\d+:\d+/);
    assert.match(second, /\/app\/dist\/thrower\.js#hotpatch-3:\d+:\d+/);
  } finally {
    process.setSourceMapsEnabled(true);
  }
  assert.match(stackOf(evaluateVersion(file, code).exports), /\/app\/src\/thrower\.ts:3:9/);
});

test('an unexpected end of input is placed at the end of the code, not in the sourceURL line after it', () => {
  const file = join('/app', 'dist', 'broken.js');
  assert.throws(
    () => evaluateVersion(file, 'exports.greet = (name) => {'),
    (error: unknown) =>
      error instanceof LoadFailure &&
      error.data.kind === 'syntax' &&
      error.data.line === 1 &&
      error.data.column === 'exports.greet = (name) => {'.length + 1,
  );
});

test('a save for a paused app is held, and loaded once, in order, when the last paused app resumes', async () => {
  const loaded: string[] = [];
  const pauses = new DebuggerPauses((uri) => loaded.push(uri));
  pauses.set(11, true);
  pauses.set(12, true);
  pauses.set(14, true);
  // Apps as the language server knows them: 10 runs a.ts, 11 and 12 run b.ts, 14 is not known yet.
  const app = (pid: number) => ({ info: { pid } }) as unknown as AgentClient;
  const apps = [app(10), app(11), app(12), app(14)];
  const runs = (file: string) => ({ file, sources: [] }) as unknown as ModuleInfo;
  const modules = new Map([
    [10, [runs('/a.ts')]],
    [11, [runs('/b.ts')]],
    [12, [runs('/b.ts')]],
  ]);
  const modulesOf = (client: AgentClient) => modules.get(client.info.pid);
  assert.deepEqual(await pauses.pausedRunning(apps, ['/b.ts'], modulesOf), [11, 12, 14]);
  assert.deepEqual(await pauses.pausedRunning(apps, ['/a.ts'], modulesOf), [14], 'a.ts waits only for the unknown app');
  pauses.set(14, false);
  assert.deepEqual(await pauses.pausedRunning(apps, ['/a.ts'], modulesOf), [], 'app 10 runs a.ts, and is not paused');
  pauses.hold('file:///a.ts');
  pauses.hold('file:///b.ts');
  pauses.hold('file:///a.ts');
  pauses.set(13, false);
  assert.deepEqual(loaded, [], 'a resume of an app that was not paused releases nothing');
  pauses.set(11, false);
  // Released to the save path, which holds them again while app 12 is paused.
  assert.deepEqual(loaded, ['file:///a.ts', 'file:///b.ts']);
  assert.equal(pauses.isPaused(12), true);
  assert.equal(pauses.isPaused(11), false);
});
