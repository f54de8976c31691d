/**
 * An app bundled into one file (esbuild, as tsup or a production build makes it): a saved source
 * of the bundle is not its next version. Compiled alone and loaded as the bundle, it evaluated the
 * whole module anew; now it is refused, naming the bundle, and the bundle its build writes loads live.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { build } from 'esbuild';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { fixturesDir, tmpRoot } from '../helpers/paths';

const bundle = (dir: string) =>
  build({
    entryPoints: [join(dir, 'src', 'main.ts')],
    bundle: true,
    platform: 'node',
    sourcemap: true,
    outfile: join(dir, 'build', 'server.js'),
    logLevel: 'silent',
  });

test('a saved source of a bundle is refused, naming the bundle; the rebuilt bundle loads live, its state kept', async () => {
  const source = mkdtempSync(join(tmpRoot, 'bundled-source-'));
  after(() => rmSync(source, { recursive: true, force: true }));
  cpSync(join(fixturesDir, 'apps', 'bundled'), source, { recursive: true });
  await bundle(source);
  const app = await App.start('cjs', {
    fixture: source,
    args: ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'build/server.js'],
  });
  after(() => app.stop());
  assert.equal(await app.get('/add?note=kept'), '1');

  app.edit('src/routes.ts', (text) => text.replace("notes.join(',')", "notes.join(' | ')"));
  const refused = await runCli(['load', app.file('src/routes.ts')], app.discoveryDir);
  assert.notEqual(refused.code, 0, refused.stdout);
  assert.match(refused.stderr, /src\/routes\.ts is not loaded on its own: it is bundled into .*build\/server\.js/);
  assert.equal(await app.get('/notes'), 'kept', 'the running bundle is untouched');

  await bundle(app.dir);
  const loaded = await runCli(['load', app.file('build/server.js')], app.discoveryDir);
  assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  assert.match(loaded.stdout, /✓ .*build\/server\.js: vsn/);
  assert.equal(await app.get('/add?note=new'), '2');
  assert.equal(await app.get('/notes'), 'kept | new');
});
