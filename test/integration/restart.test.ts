/**
 * "Needs a restart" is its own outcome: when a load could not apply everything in place, the
 * agent restarts the app with the same command line and environment, and the CLI and the
 * language server offer it (Restart / Not now / Always). A real app restarts for real here: a
 * new process, the same port, the edited code running.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { DiscoveryRecord } from 'hotpatch-agent/protocol';
import { AgentClient } from 'hotpatch-extension/engine';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { LspSession } from '../helpers/lsp';
import { waitFor } from '../helpers/wait';

/**
 * The fixture app on a fixed free port (a restart binds the same one again). The port is free
 * when picked, but an app of another test file may take it before this one binds it: then the
 * start fails with EADDRINUSE and is made again on another port, a bounded number of times.
 */
async function startApp(attempts = 5): Promise<App> {
  const free = createServer();
  await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
  const port = (free.address() as { port: number }).port;
  await new Promise((resolve) => free.close(resolve));
  try {
    return await App.start('cjs', {
      fixture: 'live',
      args: ['-r', 'hotpatch-agent/register', 'app.js'],
      env: { PORT: String(port) },
    });
  } catch (error) {
    if (attempts > 1 && String(error).includes('EADDRINUSE')) return startApp(attempts - 1);
    throw error;
  }
}

/** Waits for the process that replaced `app` to announce itself and answer; kills it after the test. */
async function restarted(app: App, pid: number): Promise<void> {
  after(() => {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  });
  await waitFor('the old process to exit', () =>
    app.child.exitCode !== null || app.child.signalCode ? true : undefined,
  );
  await waitFor('the new process to announce itself', () =>
    existsSync(join(app.discoveryDir, `${pid}.json`)) ? true : undefined,
  );
  await waitFor('the restarted app to answer', async () =>
    (await app.get('/plugin/where').catch(() => '')).includes('mounted') ? true : undefined,
  );
}

test('agent/restart starts the app again with the same command line: new pid, same port, the code on disk', async () => {
  const app = await startApp();
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  app.edit('app.js', (t) => t.replace('`mounted at ${prefix}`', '`restarted, mounted at ${prefix}`'));
  const { pid } = await client.restart();
  assert.notEqual(pid, app.child.pid);
  await restarted(app, pid);
  assert.equal(await app.get('/plugin/where'), 'restarted, mounted at /plugin');
  const record = JSON.parse(readFileSync(join(app.discoveryDir, `${pid}.json`), 'utf8')) as DiscoveryRecord;
  assert.equal(record.pid, pid);
  const next = await AgentClient.connect(record.url, record.token);
  after(() => next.close());
  assert.equal(next.info.pid, pid);
});

test('hotpatch load --restart restarts an app when something could not apply in place', async () => {
  const app = await startApp();
  after(() => app.stop());
  app.edit('app.js', (t) => t.replace('globalThis.liveFixtureStartedAt = Date.now();\n', ''));
  const cli = await runCli(['load', '--restart', app.file('app.js')], app.discoveryDir);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /⚠ .*is current/);
  const pid = Number(/restarted as pid (\d+)/.exec(cli.stdout)?.[1]);
  assert.ok(pid > 0, cli.stdout);
  await restarted(app, pid);
});

test('a save that cannot apply everything asks Restart / Not now / Always; Restart restarts the app', async () => {
  const app = await startApp();
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const file = app.file('app.js');
  await lsp.waitForModule(file);
  await lsp.open(file, readFileSync(file, 'utf8'));
  const asked: string[][] = [];
  lsp.answer = (params) => {
    asked.push((params.actions ?? []).map((a) => a.title));
    return params.actions?.find((a) => a.title === 'Restart') ?? null;
  };
  const changed = readFileSync(file, 'utf8').replace('globalThis.liveFixtureStartedAt = Date.now();\n', '');
  const saved = await lsp.save(file, changed);
  assert.equal(saved.outcome, 'loaded', saved.lines.join('\n'));
  await waitFor('the restart prompt', () => (asked.length > 0 ? true : undefined));
  assert.deepEqual(asked[0], ['Restart', 'Not now', 'Always']);
  await waitFor('the old process to exit', () =>
    app.child.exitCode !== null || app.child.signalCode ? true : undefined,
  );
  const records = (): string[] =>
    readdirSync(app.discoveryDir).filter((f) => f.endsWith('.json') && f !== `${app.child.pid}.json`);
  const announced = await waitFor('the new process to announce itself', () => records()[0]);
  await restarted(app, Number(announced.replace('.json', '')));
});
