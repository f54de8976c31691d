/**
 * The language server loads itself (extension/dist/server-main.js) with V8's code cache, as the
 * agent loads its library (extension/src/server/launch.ts, runtime-agent/src/code-cache.ts):
 * made once the client initialized it, made once more after its first save was loaded (the
 * code a save runs then compiled), read as it is by the next start, whose saves work as well
 * (TypeScript compiled: on Node 20 the code of a cache made by another process had no
 * dynamic import(), which loaded TypeScript).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { scratchFolder } from '../helpers/scratch';
import { waitFor } from '../helpers/wait';

const serverCaches = (dir: string): string[] =>
  readdirSync(dir).filter((name) => name.startsWith('agent-server-main-') && name.endsWith('.v8cache'));

test("the language server's code cache: made when initialized, again after the first save loaded, read by the next start", async () => {
  const dir = join(scratchFolder('server-code-cache'), 'cache');
  const app = await App.start('ts-cjs', { env: { HOTPATCH_CACHE_DIR: join(dir, '..', 'app-cache') } });
  after(() => app.stop());
  const start = async (): Promise<LspSession> => {
    const lsp = await LspSession.start(app.discoveryDir, {}, { HOTPATCH_CACHE_DIR: dir });
    after(() => lsp.stop());
    return lsp;
  };

  const lsp = await start();
  // A start's cache may come first, as the server's first turn ends (code-cache.ts): this one replaces it.
  const warm = await waitFor("the server's cache, once initialized", () =>
    serverCaches(dir).find((name) => !/\.(start|saved)\.v8cache$/.test(name)),
  );
  await waitFor("the start's cache removed", () => serverCaches(dir).length === 1);
  assert.equal(statSync(join(dir, warm)).mode & 0o777, 0o600);
  const file = app.file('src/greeting.ts');
  const save = async (server: LspSession, vsn: string): Promise<void> => {
    await server.waitForModule(file);
    const text = readFileSync(file, 'utf8')
      .replace(/vsn = '\d+'/, `vsn = '${vsn}'`)
      .replace(/`\w+, /, `\`v${vsn}, `);
    await server.open(file, text);
    writeFileSync(file, text);
    const report = await server.save(file, text);
    assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
    assert.equal(await app.get('/greet?name=ann'), `v${vsn}, ann`);
  };
  await save(lsp, '2');

  const saved = await waitFor('the cache made again after the save', () =>
    serverCaches(dir).find((name) => name.endsWith('.saved.v8cache')),
  );
  assert.equal(saved, warm.replace(/\.v8cache$/, '.saved.v8cache'));
  await waitFor('the cache made before the save removed', () => !serverCaches(dir).includes(warm));
  const written = statSync(join(dir, saved));
  await lsp.stop();

  // A cache V8 rejected would be removed, and one made again as soon as the client initialized.
  const next = await start();
  await save(next, '3');
  const now = statSync(join(dir, saved));
  assert.deepEqual([now.ino, now.mtimeMs], [written.ino, written.mtimeMs], 'accepted by V8: not made again');
  assert.deepEqual(serverCaches(dir), [saved]);
});
