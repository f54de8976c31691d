// A debug launch adds the agent through NODE_OPTIONS (extension/src/client/debug/agent-launch.ts),
// which every Node process of the launched tree inherits: here a launcher in node_modules (as
// npm, tsx and nodemon are) starts the app, in real processes. The terminals' preload
// (extension/src/debug-terminal/preload.ts) loads the project's agent only where a debugger
// attaches.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot, tmpRoot } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

const register = join(repoRoot, 'runtime-agent', 'dist', 'register.js');
const terminalPreload = join(repoRoot, 'extension', 'dist', 'debug-terminal-preload.js');
/** What js-debug puts in a debug terminal's environment (the preload only tests that it is set). */
const DEBUGGED = { VSCODE_INSPECTOR_OPTIONS: ':::{"inspectorIpc":"/nonexistent"}' };
mkdirSync(tmpRoot, { recursive: true });
const project = mkdtempSync(join(tmpRoot, 'debug-launch-'));
after(() => rmSync(project, { recursive: true, force: true }));

mkdirSync(join(project, 'node_modules', 'launcher'), { recursive: true });
writeFileSync(join(project, 'package.json'), '{ "name": "launched-app" }');
writeFileSync(
  join(project, 'node_modules', 'launcher', 'cli.js'),
  `const { spawn } = require('node:child_process');
console.log('LAUNCHER ' + process.pid);
const app = spawn(process.execPath, ['app.js'], { stdio: 'inherit' });
process.on('SIGTERM', () => app.kill());
app.on('exit', (code) => process.exit(code ?? 0));
`,
);
writeFileSync(
  join(project, 'app.js'),
  // Whether the agent was loaded decides itself before the app's first line runs.
  `const agent = Object.keys(require.cache).some((file) => file.endsWith('register.js') && file.includes('runtime-agent'));
require('node:http').createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', function () {
  console.log('APP ' + process.pid + ' agent=' + agent);
});
`,
);

/**
 * Starts the launcher with the agent in NODE_OPTIONS; once the agents of `announced` (pids) have
 * published, the pids of every published agent. A launcher's agent starts before it spawns the
 * app, so it publishes before the app's would.
 */
async function launch(
  env: Record<string, string>,
  announced: (pids: { launcher: number; app: number }) => number[],
): Promise<{ launcher: number; app: number; agents: number[]; appLoadedAgent: boolean }> {
  const discoveryDir = mkdtempSync(join(project, 'discovery-'));
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [join('node_modules', 'launcher', 'cli.js')], {
    cwd: project,
    env: {
      ...process.env,
      NODE_OPTIONS: `--require ${register}`,
      HOTPATCH_DISCOVERY_DIR: discoveryDir,
      HOTPATCH_QUIET: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const app = await waitFor('the app to start', () => Number(/APP (\d+)/.exec(output)?.[1]) || undefined);
    const launcher = Number(/LAUNCHER (\d+)/.exec(output)?.[1]);
    const expected = announced({ launcher, app });
    await waitFor(`the agents of ${expected.join(', ')} to publish`, () =>
      expected.every((pid) => readdirSync(discoveryDir).includes(`${pid}.json`)),
    );
    const agents = readdirSync(discoveryDir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => (JSON.parse(readFileSync(join(discoveryDir, f), 'utf8')) as { pid: number }).pid)
      .sort();
    return { launcher, app, agents, appLoadedAgent: /APP \d+ agent=true/.test(output) };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  }
}

test('HOTPATCH_APP_PROCESSES_ONLY: the launcher (entry in node_modules) gets no agent, the app it starts does', async () => {
  const { app, agents } = await launch({ HOTPATCH_APP_PROCESSES_ONLY: '1' }, ({ app }) => [app]);
  assert.deepEqual(agents, [app]);
});

test('without it, NODE_OPTIONS starts an agent in every process of the tree, the launcher included', async () => {
  const { launcher, app, agents } = await launch({}, ({ launcher, app }) => [launcher, app]);
  assert.deepEqual(agents, [launcher, app].sort());
});

test('the debug terminal preload: in a debugged process of a project with the agent, it loads the agent (launchers skipped)', async () => {
  const { app, agents, appLoadedAgent } = await launch(
    { NODE_OPTIONS: `--require ${terminalPreload}`, ...DEBUGGED },
    ({ app }) => [app],
  );
  assert.deepEqual(agents, [app]);
  assert.equal(appLoadedAgent, true);
});

test('the debug terminal preload does nothing in a process no debugger attaches to', async () => {
  const { agents, appLoadedAgent } = await launch({ NODE_OPTIONS: `--require ${terminalPreload}` }, () => []);
  assert.equal(appLoadedAgent, false);
  assert.deepEqual(agents, []);
});
