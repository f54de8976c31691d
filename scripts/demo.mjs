// The main job: the example app (examples/counter-app) running with the agent, ready to be
// hot-patched from the editor (the Hotpatch extension saves into it) or the `hotpatch` CLI.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = join(root, 'examples', 'counter-app');
const port = process.env.PORT ?? '3000';

const app = spawn(process.execPath, ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'dist/main.js'], {
  cwd: appDir,
  env: { ...process.env, PORT: port },
  stdio: ['ignore', 'inherit', 'inherit'],
});

showWhenReady();

function showWhenReady() {
  // Poll the CLI until the app's agent is discoverable, then show what it serves.
  const check = spawnSync(process.execPath, [join(root, 'extension', 'bin', 'hotpatch.js'), 'ls'], {
    encoding: 'utf8',
  });
  if (!check.stdout.includes('counter-app')) {
    setTimeout(showWhenReady, 200);
    return;
  }
  console.log(check.stdout);
  console.log(`Try it:
  curl http://127.0.0.1:${port}/?name=you
  # edit examples/counter-app/src/greeting.ts (change the text, bump vsn), then:
  npx hotpatch load examples/counter-app/src/greeting.ts
  curl http://127.0.0.1:${port}/?name=you     # new greeting, same visit count
  # change State in examples/counter-app/src/visits.ts, add a codeChange that converts it, then:
  npx hotpatch load examples/counter-app/src/visits.ts   # prints the plan; the running state migrates
  npx hotpatch ps                              # server processes and the version each runs
Ctrl+C stops the app.`);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
app.on('exit', (code) => process.exit(code ?? 0));
