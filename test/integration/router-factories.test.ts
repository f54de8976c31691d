/**
 * Routers made by a factory the app called once, at startup (route-rebuild.ts): a route added
 * to the factory goes live when the statement that called it and mounted its router runs
 * again, in its place among the app's routes, with the app's data kept; where the router was
 * bound to a name first and then mounted, the declaration and the mount run again together.
 * Where a module exports the factory's router, running that again would leave the old router
 * mounted: the load says a restart applies it, and the routes that were there keep answering.
 * The same for @koa/router in an ES module app (its ES module build is adapted as it loads).
 * A router a class's constructor fills through a method runs that method again on the instance
 * (method-rerun.test.ts has the rest).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LoadResult } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { repoRoot } from '../helpers/paths';
import { scratchFiles } from '../helpers/scratch';

/** Loads `relative` with `route` inserted before `before`, through a client of the app's agent. */
async function loadWithRoute(app: App, relative: string, before: string, route: string): Promise<LoadResult> {
  const client = await app.connect();
  after(() => client.close());
  const file = app.file(relative);
  return client.load({ file, code: readFileSync(file, 'utf8').replace(before, `${route}\n${before}`) });
}

async function startApp(): Promise<App> {
  const app = await App.start('cjs', { fixture: 'router-factory', args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  return app;
}

test('a route added to a router factory called where its router is mounted goes live, in its place, with the data kept', async () => {
  const app = await startApp();
  const created = await fetch(`http://127.0.0.1:${app.port}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'grace' }),
  });
  assert.equal(created.status, 201);
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('routes/users.js');
  const code = readFileSync(file, 'utf8').replace(
    "  router.get('/:id',",
    "  router.get('/stats', (req, res) => {\n    res.json({ total: users.length });\n  });\n  router.get('/:id',",
  );

  const result = await client.load({ file, code });

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  assert.ok(
    result.report.ran.some((ran) => /app\.js .*again for what makeUserRoutes registers now/.test(ran)),
    result.report.ran.join('\n'),
  );
  // Before /:id, as in the file: not taken for a user id.
  assert.equal(await app.get('/api/users/stats'), '{"total":2}');
  assert.match(await app.get('/api/users/2'), /"name":"grace"/, 'the data the app had is kept');
  assert.match(await app.get('/api/users'), /"ada".*"grace"/);
  // Still before the app's catch-all, which was registered after the router.
  assert.match(await app.get('/nowhere'), /nothing at \/nowhere/);
  assert.equal(await app.get('/admin/count'), '{"count":2}');
});

test('a factory whose router was bound to a name first, then mounted: the declaration and the mount run again, the new route live in its place', async () => {
  const app = await startApp();
  const result = await loadWithRoute(
    app,
    'routes/admin.js',
    '  return router;',
    "  router.get('/names', (req, res) => {\n    res.json(users.map((u) => u.name));\n  });",
  );

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  const ran = result.report.ran.join('\n');
  assert.match(ran, /app\.js new value: admin, again for what makeAdminRoutes registers now/, 'the declaration ran');
  assert.match(ran, /app\.js line 13: app\.use\('\/admin', admin\), again for what makeAdminRoutes registers now/);
  assert.equal(await app.get('/admin/names'), '["ada"]', 'served, with the data the app had');
  assert.equal(await app.get('/admin/count'), '{"count":1}', 'the routes it had still answer');
  // Mounted where the old router was: before the app's catch-all, which was registered after it.
  assert.match(await app.get('/nowhere'), /nothing at \/nowhere/);
});

test('a factory whose router a module exports: the new route needs a restart, and the old routes keep answering', async () => {
  const app = await startApp();
  const result = await loadWithRoute(
    app,
    'routes/health.js',
    '  return router;',
    "  router.get('/deep', (req, res) => {\n    res.send('deep ok');\n  });",
  );

  assert.match(result.report.notApplied.join('\n'), /makeHealthRouter .*registers something new .*restart to apply it/);
  assert.equal(await app.get('/health'), 'ok', 'the route it had still answers');
});

test('Koa in ES modules: a route added to the @koa/router factory the entry mounts goes live, before the routers mounted after it', async () => {
  const app = await App.start('esm', {
    fixture: join(repoRoot, 'test', 'corpus', 'apps', 'koa-modules'),
    args: ['--import', 'hotpatch-agent/register', 'index.js'],
    env: { PORT: '0' },
  });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('routes/todos.js');
  const code = readFileSync(file, 'utf8').replace(
    "  router.get('/:id',",
    "  router.get('/first', (ctx) => {\n    ctx.body = store.all()[0];\n  });\n\n  router.get('/:id',",
  );

  const result = await client.load({ file, code });

  assert.deepEqual(result.report.notApplied, []);
  assert.match(
    result.report.ran.join('\n'),
    /index\.js .*makeTodoRouter\(store\)\.routes\(\).*again for what makeTodoRouter registers now/,
  );
  assert.match(await app.get('/todos/first'), /"title":"water the plants"/);
  assert.match(await app.get('/todos/1'), /"id":1/, 'the routes it had answer once, as before');
  assert.match(await app.get('/stats'), /"total":1/, 'the router mounted after it still answers');
});

test('a router filled by a method its constructor called, the instance bound to a name: the method runs again on it, and the data stays', async () => {
  const source = scratchFiles('router-factories', {
    'package.json': '{}',
    'app.js': `const express = require('express');

class Api {
  constructor() {
    this.router = express.Router();
    this.hits = 0;
    this.initializeRoutes();
  }

  initializeRoutes() {
    this.router.get('/hits', (req, res) => res.json({ hits: ++this.hits }));
  }
}

const api = new Api();
const app = express();
app.use(api.router);
app.listen(0, '127.0.0.1', function () {
  console.log('LISTENING ' + this.address().port);
});
`,
  });
  const app = await App.start('cjs', { fixture: source, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  await app.get('/hits');
  assert.equal(await app.get('/hits'), '{"hits":2}');

  const result = await loadWithRoute(
    app,
    'app.js',
    '  }\n}\n\nconst api',
    "    this.router.get('/reset', (req, res) => res.json({ hits: (this.hits = 0) }));",
  );

  // Running `const api = new Api()` again would make a new Api, its hits back at 0: the method
  // runs again on the Api the app made instead (method-rerun.ts).
  assert.deepEqual(result.report.notApplied, []);
  assert.match(result.report.ran.join('\n'), /Api\.initializeRoutes ran again on the app's Api/);
  assert.equal(
    await app.get('/hits'),
    '{"hits":3}',
    'the instance the app made at startup, and its count, still serve',
  );
  assert.equal(await app.get('/reset'), '{"hits":0}', 'the new route is live, on that instance');
});
