// Runs the mocha suite (test/e2e/suite) inside a real VS Code extension host: code-server (VS Code
// 1.139's server) on 127.0.0.1 with folders of its own, and headless Debian Chromium driven by
// playwright-core to open its workbench. The workbench starts the extension host, loads this repo as
// the development extension and the compiled suite as `extensionTestsPath` (passed in the URL's
// payload, honoured thanks to enable-smoke-test-driver), and reports the suite's exit code through
// window.codeAutomationExit. Mocha's output arrives on the page console and is printed here.
//
// Usage: node scripts/vscode-test/run.mjs [--timeout SECONDS] [--verbose] [--keep] [--extension DIR]
//   --verbose  also print the workbench's own console messages (warnings, offline errors)
//   --keep     keep .cache/vscode-test/runs/<pid>/ (profiles, logs, workspace) for inspection
//   --extension  the extension folder to develop (default: this repository, whose package.json is
//              the manifest)
// Needs scripts/vscode-test/setup.mjs first (npm run test:vscode does both).
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { format, parseArgs } from 'node:util';
import { buildSuite } from './build-suite.mjs';
import { freePort, launchChromium, startCodeServer, stopCodeServer } from './code-server.mjs';
import { cacheDir, chromium, codeServerMarker, exampleApp, root } from './paths.mjs';

const { values: options } = parseArgs({
  options: {
    timeout: { type: 'string', default: '300' },
    verbose: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    extension: { type: 'string', default: root },
  },
});
const timeLimitMs = Number(options.timeout) * 1000;
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`[vscode-test ${elapsed()}] ${message}`);

if (!existsSync(codeServerMarker) || !existsSync(chromium)) {
  console.error('vscode-test: the tools are not installed: run node scripts/vscode-test/setup.mjs');
  process.exit(1);
}

// Fresh folders for every run: code-server's user data, extensions and XDG dirs, Chromium's
// profile, the logs the workbench hands back, and the workspace (a copy of the example app, so
// tests may edit and save files). A failed run's folder stays until a later run starts.
const runsDir = join(cacheDir, 'runs');
removeFinishedRuns();
const runDir = join(runsDir, String(process.pid));
const dirs = Object.fromEntries(['chromium-profile', 'logs', 'workspace'].map((d) => [d, join(runDir, d)]));
for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
for (const entry of ['package.json', 'tsconfig.json', 'src', 'dist']) {
  if (existsSync(join(exampleApp, entry)))
    cpSync(join(exampleApp, entry), join(dirs.workspace, entry), { recursive: true });
}

const suiteIndex = await buildSuite();
const consoleTag = '<<hotpatch-e2e>>';
// The suite's outcome, test by test (test/e2e/suite/index.ts): read when its console did not reach us.
const summaryFile = join(runDir, 'summary.json');
/** Console messages are printed in order, each once its arguments have been read. */
let printing = Promise.resolve();
let summarySeen = false;
const port = await freePort();
const origin = `http://127.0.0.1:${port}`;

let codeServer;
let context;
let exitCode = 1;
let cleaningUp = false;
const timer = setTimeout(() => {
  log(`time limit of ${options.timeout} s reached: stopping`);
  void finish(1);
}, timeLimitMs);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void finish(130));

try {
  const serverLog = join(runDir, 'code-server.log');
  codeServer = await startCodeServer({
    dir: runDir,
    port,
    cwd: dirs.workspace,
    // enable-smoke-test-driver: without it the workbench ignores the test settings in the URL.
    args: ['--disable-workspace-trust', '--vscode-option', 'enable-smoke-test-driver'],
    // Inherited by the extension host: test/e2e/suite/index.ts tags its console lines with it.
    env: { HOTPATCH_E2E_CONSOLE_TAG: consoleTag, HOTPATCH_E2E_SUMMARY: summaryFile },
    onOutput: (chunk) => {
      appendFileSync(serverLog, chunk);
      if (options.verbose) process.stdout.write(`[code-server] ${chunk}`);
    },
  });
  codeServer.on('exit', (code, signal) => {
    if (!cleaningUp) {
      log(`code-server exited early (${signal ?? code}); its output is in ${serverLog}`);
      void finish(1);
    }
  });
  log(`code-server ready on ${origin}`);
  exitCode = await runSuite();
} catch (error) {
  console.error(`vscode-test: ${error instanceof Error ? error.message : String(error)}`);
  exitCode = 1;
}
await finish(exitCode);

async function runSuite() {
  context = await launchChromium(dirs['chromium-profile']);
  let reportExit;
  const exited = new Promise((resolve) => (reportExit = resolve));
  // The workbench calls this when the suite's run() settles (0 resolved, 1 rejected), with its logs.
  await context.exposeFunction('codeAutomationExit', (code, logs) => {
    saveLogs(logs);
    reportExit(typeof code === 'number' ? code : 1);
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => printConsole(message));
  page.on('pageerror', (error) => options.verbose && console.log(`[page error] ${error.message}`));
  page.on('crash', () => {
    log('the workbench page crashed');
    void finish(1);
  });

  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(resolve(options.extension))],
    ['extensionTestsPath', remote(suiteIndex)],
  ];
  const url = `${origin}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log('opening the workbench; the suite runs in its extension host');
  await page.goto(url);
  const code = await exited;
  await printing;
  log(`the suite finished with exit code ${code}`);
  return code;
}

// The extension host's console (mocha's reporter, the extension's own logging) reaches the page as
// the workbench's log calls, `console.log('%c INFO', 'color: …', format, ...args)`, among the
// workbench's own messages (offline errors about open-vsx, telemetry, auth): the tag set by the
// suite picks them out. Everything else only with --verbose.
function printConsole(message) {
  printing = printing.then(async () => {
    const values = await Promise.all(message.args().map((arg) => arg.jsonValue().catch(() => String(arg))));
    const at = values.findIndex((v) => typeof v === 'string' && v.startsWith(consoleTag));
    if (at >= 0) {
      const line = format(values[at].slice(consoleTag.length), ...values.slice(at + 1));
      if (/^\w+: \d+ passed, \d+ failed/.test(line)) summarySeen = true;
      process.stdout.write(`${line}\n`);
    } else if (options.verbose) {
      process.stdout.write(`[workbench ${message.type()}] ${message.text()}\n`);
    }
  });
}

/**
 * The suite's outcome from its summary file, printed, when its console lines stopped reaching
 * the page; `code` stays only when the file says every test passed. No file: the suite did not
 * run to its end.
 */
function summaryFromFile(code) {
  let summary;
  try {
    summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  } catch {
    console.log('e2e: 0 passed, 1 failed (the suite did not run to its end; see above)');
    return code === 0 ? 1 : code;
  }
  log("the suite's console stopped reaching the page; its outcome, from its summary file:");
  for (const { title, state } of summary.tests ?? [])
    console.log(`  ${state === 'passed' ? '✔' : '✖'} ${title} (${state})`);
  const { passes = 0, failures = 0, pending = 0 } = summary;
  console.log(`e2e: ${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
  return failures > 0 && code === 0 ? 1 : code;
}

function saveLogs(logs) {
  if (!Array.isArray(logs)) return;
  for (const entry of logs) {
    if (!entry || typeof entry.relativePath !== 'string') continue;
    const file = join(dirs.logs, entry.relativePath.replace(/^(\.\.\/)+/, ''));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, String(entry.contents ?? ''));
  }
}

async function finish(code) {
  if (cleaningUp) return;
  cleaningUp = true;
  clearTimeout(timer);
  await Promise.race([context?.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000))]);
  // The whole process group: code-server and the extension hosts it forked (they would otherwise
  // wait hours for the browser to reconnect).
  await stopCodeServer(codeServer);
  if (!summarySeen) code = summaryFromFile(code);
  if (!options.keep && code === 0) rmSync(runDir, { recursive: true, force: true });
  else log(`profiles, logs and workspace kept in ${runDir}`);
  log(`done: exit code ${code}`);
  process.exit(code);
}

/** Folders of earlier runs (named by their runner's pid) whose runner is gone. */
function removeFinishedRuns() {
  if (!existsSync(runsDir)) return;
  for (const name of readdirSync(runsDir)) {
    let alive = false;
    try {
      process.kill(Number(name), 0);
      alive = true;
    } catch {
      // no such process
    }
    if (!alive) rmSync(join(runsDir, name), { recursive: true, force: true });
  }
}
