// `npm run test:vsix`: the packaged extension installs and activates in a real VS Code. Builds the
// .vsix (npm run package), installs it with `code-server --install-extension` into a fresh
// extensions folder, starts code-server with it (no development extension), opens the workbench on
// examples/counter-app in headless Chromium, opens the Hotpatch view (an activation event) and
// waits for the extension host's log to say the extension activated, and for its status bar item.
// Needs scripts/vscode-test/setup.mjs first.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, installExtension, launchChromium, startCodeServer, stopCodeServer } from './code-server.mjs';
import { cacheDir, codeServerMarker, exampleApp, root } from './paths.mjs';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (message) => console.log(`[vsix ${elapsed()}] ${message}`);
const { publisher, name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const id = `${publisher}.${name}`;

if (!existsSync(codeServerMarker)) {
  console.error('vsix: code-server is not installed: run node scripts/vscode-test/setup.mjs');
  process.exit(1);
}

const packaged = spawnSync('npm', ['run', '--silent', 'package'], { cwd: root, encoding: 'utf8' });
const vsix = packaged.stdout.match(/^(\S+\.vsix):/m)?.[1];
if (packaged.status !== 0 || !vsix) {
  console.error(`vsix: npm run package failed\n${packaged.stdout}${packaged.stderr}`);
  process.exit(1);
}
log(`packaged ${vsix}`);

const dir = join(cacheDir, 'vsix');
rmSync(dir, { recursive: true, force: true });
installExtension(dir, vsix);
const installed = readdirSync(join(dir, 'extensions')).filter((d) => d.startsWith(`${id}-${version}`));
if (installed.length !== 1) await fail(`expected one ${id}-${version}* in the extensions folder`);
log(`installed as extensions/${installed[0]}`);

let codeServer;
let context;
const timer = setTimeout(() => void fail('no activation within 120 s'), 120_000);
try {
  const port = await freePort();
  codeServer = await startCodeServer({
    dir,
    port,
    cwd: exampleApp,
    args: ['--disable-workspace-trust'],
  });
  log(`code-server ready on 127.0.0.1:${port}`);
  context = await launchChromium(join(dir, 'chromium-profile'));
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(exampleApp)}`);
  await page.locator('.activitybar a[aria-label="Hotpatch"]').click({ timeout: 60_000 });
  log('workbench open; Hotpatch view shown');
  // The extension host logs `ExtensionService#_doActivateExtension <id>` when it activates one,
  // and the extension's first act is its status bar item ("N apps").
  while (!extHostLog().includes(`_doActivateExtension ${id}`)) await new Promise((resolve) => setTimeout(resolve, 250));
  log(`the extension host activated ${id}`);
  const status = page.locator('.statusbar-item', { hasText: /\d+ apps?/ });
  await status.first().waitFor({ timeout: 30_000 });
  log(`status bar: "${(await status.first().innerText()).trim()}"`);
  const failed = extHostLog().match(new RegExp(`Activating extension '?${id}'? failed.*`, 'i'));
  if (failed) throw new Error(failed[0]);
  await done(0);
} catch (error) {
  await fail(error instanceof Error ? error.message : String(error));
}

/** The extension hosts' logs (remoteexthost.log) under code-server's user data, concatenated. */
function extHostLog() {
  const logs = join(dir, 'user-data', 'logs');
  const files = existsSync(logs) ? readdirSync(logs, { recursive: true }).map(String) : [];
  return files
    .filter((f) => f.endsWith('exthost.log'))
    .map((f) => readFileSync(join(logs, f), 'utf8'))
    .join('\n');
}

async function fail(message) {
  console.error(`vsix: ${message}`);
  await done(1);
}

async function done(code) {
  clearTimeout(timer);
  await Promise.race([context?.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5000))]);
  await stopCodeServer(codeServer);
  log(code === 0 ? 'ok: the .vsix installs and activates' : `failed; folders kept in ${dir}`);
  process.exit(code);
}
