// The main job: the example app (examples/counter-app) running with the agent, and VS Code open on
// it with the Hotpatch extension (this repository) to hot-patch it from the editor, or the
// `hotpatch` CLI. `npm run demo` builds first.
//   Desktop VS Code when `code` is on PATH: `code --extensionDevelopmentPath=<repo> examples/counter-app`.
//   Else code-server (installed once by scripts/vscode-test/setup.mjs, ≈2 min) on
//   127.0.0.1:$PORT_EDITOR (default: a free port), with this repository linked into its extensions
//   folder; open the URL it prints. HOTPATCH_DEMO_EDITOR=none starts the app only.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  linkExtension,
  startCodeServer,
  stopCodeServer,
  writeUserSettings,
} from './vscode-test/code-server.mjs';
import { cacheDir, root } from './vscode-test/paths.mjs';

const appDir = join(root, 'examples', 'counter-app');
const port = process.env.PORT ?? '3000';
let codeServer;
let stopping = false;

const app = spawn(process.execPath, ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'dist/main.js'], {
  cwd: appDir,
  env: { ...process.env, PORT: port },
  stdio: ['ignore', 'inherit', 'inherit'],
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
app.on('exit', (code) => void stop(code ?? 0));

await appReady();
console.log(`Try it:
  curl http://127.0.0.1:${port}/?name=you
  # edit examples/counter-app/src/greeting.ts (change the text, bump vsn) and save in VS Code, or:
  npx hotpatch load examples/counter-app/src/greeting.ts
  curl http://127.0.0.1:${port}/?name=you     # new greeting, same visit count
  # change State in examples/counter-app/src/visits.ts, add a codeChange that converts it, then:
  npx hotpatch load examples/counter-app/src/visits.ts   # prints the plan; the running state migrates
  npx hotpatch ps                              # server processes and the version each runs
`);
await openEditor().catch((error) => console.error(`demo: no editor (${error.message}); the app keeps running`));
console.log('Ctrl+C stops everything.');

/** Polls the CLI until the app's agent is discoverable, then prints what it serves. */
async function appReady() {
  for (;;) {
    const check = spawnSync(process.execPath, [join(root, 'cli', 'bin', 'hotpatch.js'), 'ls'], {
      encoding: 'utf8',
    });
    if (check.stdout.includes('counter-app')) return console.log(check.stdout);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function openEditor() {
  if (process.env.HOTPATCH_DEMO_EDITOR === 'none') return;
  if (!spawnSync('code', ['--version'], { stdio: 'ignore' }).error) {
    spawn('code', [`--extensionDevelopmentPath=${root}`, appDir], { stdio: 'inherit' });
    return console.log('VS Code (code) opens examples/counter-app with the Hotpatch extension.');
  }
  console.log('No `code` on PATH: VS Code in the browser (code-server; the first time it installs, ≈2 min).');
  const setup = spawnSync(process.execPath, [join(root, 'scripts', 'vscode-test', 'setup.mjs')], { stdio: 'inherit' });
  if (setup.status !== 0) throw new Error('scripts/vscode-test/setup.mjs failed');

  const dir = join(cacheDir, 'demo');
  linkExtension(dir);
  // Kept once written: the user's own changes to the demo profile survive the next demo.
  if (!existsSync(join(dir, 'user-data', 'User', 'settings.json'))) writeUserSettings(dir);
  const editorPort = await freePort(process.env.PORT_EDITOR);
  // Workspace trust off: the example is this repository's own code, and restricted mode would not load on save.
  codeServer = await startCodeServer({ dir, port: editorPort, cwd: appDir, args: ['--disable-workspace-trust'] });
  codeServer.on('exit', (code) => !stopping && console.log(`code-server exited (${code})`));
  console.log(
    `VS Code with Hotpatch: http://127.0.0.1:${editorPort}/?folder=${encodeURIComponent(appDir).replaceAll('%2F', '/')}`,
  );
}

async function stop(code) {
  if (stopping) return;
  stopping = true;
  await stopCodeServer(codeServer);
  process.exit(code);
}
