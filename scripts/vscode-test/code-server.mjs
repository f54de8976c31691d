// Starting and stopping code-server (installed by setup.mjs) on 127.0.0.1, shared by the demo
// (scripts/demo.mjs), the extension-host suite (run.mjs), the .vsix check (vsix.mjs) and the UI
// test (test/ui). Each caller gives it a folder of its own for user data, extensions and XDG
// config, so nothing touches ~/.config or ~/.local.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { chromium, codeServerEntry, node, root } from './paths.mjs';

/** The folders code-server reads and writes under `dir`. */
function folders(dir) {
  const dirs = Object.fromEntries(['user-data', 'extensions', 'xdg-config', 'xdg-data'].map((d) => [d, join(dir, d)]));
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

function codeServerEnv(dirs, env) {
  // The app's settings are not the editor's: code-server would bind the app's PORT (and exit,
  // the port taken), and NODE_OPTIONS could preload an agent into the editor itself.
  const inherited = { ...process.env };
  for (const name of ['PORT', 'HOST', 'NODE_OPTIONS']) delete inherited[name];
  return { ...inherited, ...env, XDG_CONFIG_HOME: dirs['xdg-config'], XDG_DATA_HOME: dirs['xdg-data'] };
}

/** The extensions folder that code-server uses with `dir` (created). */
export const extensionsDir = (dir) => folders(dir).extensions;

/**
 * Links this repository into `dir`'s extensions folder, where code-server loads it as an installed
 * extension (it ignores a server-side extensionDevelopmentPath; only the test payload in the URL
 * sets one).
 */
export function linkExtension(dir) {
  const { publisher, name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const link = join(extensionsDir(dir), `${publisher}.${name}-${version}`);
  rmSync(link, { force: true }); // the link only, not the repository
  symlinkSync(root, link, 'dir');
}

/**
 * The user settings of `dir`'s profile. Always: no chat panel and no offer to open the repository
 * above the workspace, so the first window shows the workspace only.
 */
export function writeUserSettings(dir, settings = {}) {
  const quiet = { 'chat.disableAIFeatures': true, 'git.openRepositoryInParentFolders': 'never' };
  writeSettings(join(folders(dir)['user-data'], 'User', 'settings.json'), { ...quiet, ...settings });
}

/**
 * The settings of the machine code-server runs on. Settings of machine scope (such as
 * hotpatch.discoveryDir, a folder on that machine) are read from here, not from the user's, in a
 * remote window, and code-server's windows are remote ones.
 */
export function writeMachineSettings(dir, settings) {
  writeSettings(join(folders(dir)['user-data'], 'Machine', 'settings.json'), settings);
}

function writeSettings(file, settings) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

/** `code-server --install-extension <vsix>` into `dir`'s extensions folder. */
export function installExtension(dir, vsix) {
  const dirs = folders(dir);
  execFileSync(
    node,
    [
      codeServerEntry,
      '--user-data-dir',
      dirs['user-data'],
      '--extensions-dir',
      dirs.extensions,
      '--install-extension',
      vsix,
      '--force',
    ],
    { env: codeServerEnv(dirs, {}), stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

/**
 * Starts code-server on 127.0.0.1:`port` without authentication, in its own process group (stop it
 * with stopCodeServer: the extension hosts it forks would otherwise wait hours for a reconnect).
 * `onOutput` gets its stdout and stderr; resolves once /healthz answers.
 */
export async function startCodeServer({ dir, port, cwd, env = {}, args = [], onOutput = () => {} }) {
  const dirs = folders(dir);
  const child = spawn(
    node,
    [
      codeServerEntry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--user-data-dir',
      dirs['user-data'],
      '--extensions-dir',
      dirs.extensions,
      ...args,
    ],
    { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: codeServerEnv(dirs, env) },
  );
  // The end of what it printed, for the error when it fails to start.
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      output = (output + chunk).slice(-4000);
      onOutput(chunk);
    });
  }
  const said = () => (output.trim() ? `; it printed:\n${output.trim()}` : '');
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}) before answering${said()}`);
    const ok = await fetch(`${origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  stopCodeServer(child);
  throw new Error(`code-server did not answer ${origin}/healthz within 60 s${said()}`);
}

/** SIGTERM to code-server's process group, SIGKILL after 3 s. */
export async function stopCodeServer(child) {
  if (!child?.pid) return;
  const kill = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    kill('SIGTERM');
    await Promise.race([
      new Promise((resolve) => child.once('exit', resolve)),
      new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
  }
  kill('SIGKILL');
}

/** Headless Debian Chromium through playwright-core, as run.mjs launches it. */
export async function launchChromium(profileDir) {
  const { chromium: playwright } = await import('playwright-core');
  return playwright.launchPersistentContext(profileDir, {
    executablePath: chromium,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A free port on 127.0.0.1, or `preferred` when given. */
export function freePort(preferred) {
  if (preferred) return Promise.resolve(Number(preferred));
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
