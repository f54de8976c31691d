/**
 * Hono's routes on the corpus's Hono app (live/hono-routes.ts): a load
 * that adds, moves or takes back a route of the app serves it at the next request, in the
 * place its statement has in the file, although Hono's router takes no route once it has
 * served a request, and one that adds a route to a mounted sub-app (Hono copied its routes
 * when it was mounted) serves it where the sub-app is mounted, as one added to a basePath
 * group does under the group's path. On a CommonJS app with a router of its own too; a table
 * that router refuses fails the load with the router's error, and the app serves as before.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { repoRoot } from '../helpers/paths';
import { scratchFiles } from '../helpers/scratch';

const honoApp = join(repoRoot, 'test', 'corpus', 'apps', 'hono');

async function startHono(): Promise<App> {
  const app = await App.start('esm', {
    fixture: honoApp,
    args: ['--import', 'hotpatch-agent/register', 'index.js'],
    env: { PORT: '0' },
  });
  after(() => app.stop());
  return app;
}

test('a route added to a mounted Hono sub-app answers where it is mounted, before the route after it; taken out, it stops', async () => {
  const app = await startHono();
  assert.match(await app.get('/books/search'), /no such book/, '/books/:id answers it at first');
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('routes/books.js');
  const original = readFileSync(file, 'utf8');
  const code = original
    .replace("books.get('/:id',", "books.get('/search', (c) => c.json({ search: true }));\n\nbooks.get('/:id',")
    .replace('count: shelf.length', 'total: shelf.length');

  const result = await client.load({ file, code });

  assert.deepEqual(result.report.notApplied, []);
  assert.ok(
    result.report.ran.some((r) => r.includes('/search')),
    result.report.ran.join('; '),
  );
  assert.match(await app.get('/books/search'), /"search":true/);
  assert.match(await app.get('/books/1'), /Dune/, 'the routes after it answer as before');
  assert.match(await app.get('/books'), /"total":2/, 'the changed handler in the same file is live');

  const removed = await client.load({
    file,
    code: code.replace("books.get('/search', (c) => c.json({ search: true }));\n\n", ''),
  });
  assert.deepEqual(removed.report.notApplied, []);
  assert.match(await app.get('/books/search'), /no such book/, 'taken back where it was mounted too');
});

test('a route added to a Hono app that has served requests answers, in its place; taken out, it stops', async () => {
  const app = await startHono();
  assert.match(await app.get('/'), /"service":"library"/);
  assert.match(await app.get('/books/featured'), /no such book/, 'the sub-app’s /books/:id answers it at first');
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('index.js');
  const original = readFileSync(file, 'utf8');
  const added = original
    .replace("const SERVICE = 'library';", "const SERVICE = 'bookshop';")
    .replace(
      "app.route('/books', books);",
      "app.get('/version', (c) => c.text('version 2'));\n\n" +
        "app.get('/books/featured', (c) => c.json({ featured: 'Dune' }));\n\n" +
        "app.route('/books', books);",
    );

  const result = await client.load({ file, code: added });

  assert.deepEqual(result.report.notApplied, []);
  assert.equal(await app.get('/version'), 'version 2');
  assert.match(await app.get('/'), /"service":"bookshop"/, 'the rest of the version applies');
  // Registered before the mounted sub-app's routes, as its statement stands before app.route.
  assert.match(await app.get('/books/featured'), /"featured":"Dune"/);
  assert.match(await app.get('/books/1'), /Dune/, 'the sub-app’s routes still answer');

  const moved = added.replace("app.get('/version'", "app.get('/release'");
  await client.load({ file, code: moved });
  assert.equal(await app.get('/release'), 'version 2');
  assert.match(await app.get('/version'), /no route for \/version/, 'the route under its old path is gone');

  const removed = moved
    .replace("app.get('/release', (c) => c.text('version 2'));\n\n", '')
    .replace("app.get('/books/featured', (c) => c.json({ featured: 'Dune' }));\n\n", '');
  const last = await client.load({ file, code: removed });
  assert.deepEqual(last.report.notApplied, []);
  assert.match(await app.get('/release'), /no route for \/release/);
  assert.match(await app.get('/books/featured'), /no such book/, 'the sub-app answers it again');
});

/** A CommonJS Hono app (Hono's CommonJS build) whose router is one it chose, not Hono's default. */
const COMMONJS_APP = `const { serve } = require('@hono/node-server');
const { Hono } = require('hono');
const { LinearRouter } = require('hono/router/linear-router');

const app = new Hono({ router: new LinearRouter() });

app.get('/items/:id', (c) => c.text('item ' + c.req.param('id')));

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log('LISTENING ' + info.port);
});
`;

/** `index.js` started as a CommonJS app with the agent, from a scratch folder; stopped after the test. */
async function startCommonJs(index: string): Promise<App> {
  const fixture = scratchFiles('hono-cjs', {
    'package.json': '{ "name": "hono-cjs", "private": true }',
    'index.js': index,
  });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'index.js'] });
  after(() => app.stop());
  return app;
}

test('a CommonJS Hono app with a router of its own serves a route a load adds, before the routes after it', async () => {
  const app = await startCommonJs(COMMONJS_APP);
  assert.equal(await app.get('/items/new'), 'item new');
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('index.js');
  const code = COMMONJS_APP.replace(
    "app.get('/items/:id'",
    "app.get('/items/new', (c) => c.text('a form for a new item'));\n\napp.get('/items/:id'",
  );

  const result = await client.load({ file, code });

  assert.deepEqual(result.report.notApplied, []);
  assert.equal(await app.get('/items/new'), 'a form for a new item');
  assert.equal(await app.get('/items/7'), 'item 7');
});

test('a route Hono’s RegExpRouter cannot take with the others fails the load with its error; the app serves as before', async () => {
  const running = COMMONJS_APP.replace(
    "const { LinearRouter } = require('hono/router/linear-router');",
    "const { RegExpRouter } = require('hono/router/reg-exp-router');",
  ).replace('new LinearRouter()', 'new RegExpRouter()');
  const app = await startCommonJs(running);
  assert.equal(await app.get('/items/7'), 'item 7');
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('index.js');
  // At startup too, this router throws on these two routes (a static one before a parameter one).
  const code = running.replace(
    "app.get('/items/:id'",
    "app.get('/items/new', (c) => c.text('a form for a new item'));\n\napp.get('/items/:id'",
  );

  await assert.rejects(
    client.load({ file, code }),
    /Hono’s router \(RegExpRouter\) refuses the app’s routes as this version leaves them: UnsupportedPathError: \/items\/:id/,
  );

  assert.equal(await app.get('/items/7'), 'item 7');
  assert.equal(await app.get('/items/new'), 'item new', 'the route the load added is not left behind');
});

test('a route a load adds to a basePath group of a Hono app answers under the group’s path', async () => {
  const running = COMMONJS_APP.replace(
    "app.get('/items/:id', (c) => c.text('item ' + c.req.param('id')));",
    "const api = app.basePath('/api/v1');\n\napi.get('/items/:id', (c) => c.text('item ' + c.req.param('id')));",
  ).replace('new Hono({ router: new LinearRouter() })', 'new Hono()');
  const app = await startCommonJs(running);
  assert.equal(await app.get('/api/v1/items/new'), 'item new');
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('index.js');
  const code = running.replace(
    "api.get('/items/:id'",
    "api.get('/items/new', (c) => c.text('a form for a new item'));\n\napi.get('/items/:id'",
  );

  const result = await client.load({ file, code });

  assert.deepEqual(result.report.notApplied, []);
  assert.equal(await app.get('/api/v1/items/new'), 'a form for a new item');
  assert.equal(await app.get('/api/v1/items/7'), 'item 7');
});
