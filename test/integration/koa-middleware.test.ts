/**
 * Koa composes its middleware once, as the app starts listening, from a copy of the list
 * (live/koa-composition.ts): a middleware a load adds must still answer, in its place, and one
 * a load removes must stop, on the corpus's Koa app in ES modules (Koa 3, @koa/router 15).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { repoRoot } from '../helpers/paths';

async function startKoa(): Promise<App> {
  const app = await App.start('esm', {
    fixture: join(repoRoot, 'test', 'corpus', 'apps', 'koa-modules'),
    args: ['--import', 'hotpatch-agent/register', 'index.js'],
    env: { PORT: '0' },
  });
  after(() => app.stop());
  return app;
}

async function headers(app: App, path: string): Promise<Headers> {
  const response = await fetch(`http://127.0.0.1:${app.port}${path}`);
  await response.text();
  return response.headers;
}

test('Koa: a middleware a load adds answers, in its place, and one it removes stops', async () => {
  const app = await startKoa();
  assert.match((await headers(app, '/stats')).get('x-response-time') ?? '', /ms$/);
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('index.js');
  const original = readFileSync(file, 'utf8');
  const added = original.replace(
    "app.use(timing({ header: 'X-Response-Time' }));",
    "app.use(timing({ header: 'X-Response-Time' }));\napp.use(async (ctx, next) => {\n  await next();\n  ctx.set('X-Served-By', 'koa-modules');\n});",
  );

  const adding = await client.load({ file, code: added });

  assert.deepEqual(adding.report.notApplied, []);
  assert.match(adding.report.ran.join('\n'), /app\.use\(async/);
  // Before the health check, which answers without calling on: in its place, not at the end.
  assert.equal((await headers(app, '/health')).get('x-served-by'), 'koa-modules');
  assert.equal(await app.get('/health'), 'ok', 'and the middleware after it runs as before');
  assert.equal((await headers(app, '/stats')).get('x-served-by'), 'koa-modules');

  const removing = await client.load({
    file,
    code: added.replace("app.use(timing({ header: 'X-Response-Time' }));\n", ''),
  });

  assert.match(removing.report.undone.join('\n'), /timing/, removing.report.undone.join('\n'));
  const served = await headers(app, '/stats');
  assert.equal(served.get('x-response-time'), null, 'the removed middleware no longer runs');
  assert.equal(served.get('x-served-by'), 'koa-modules');
  assert.match(await app.get('/todos'), /water the plants/, 'the routers still answer');
});
