/**
 * A controller class whose constructor registers its routes (`this.initializeRoutes()`), as
 * class-based Express apps are written (live/method-rerun.ts): a route a load adds to the method
 * goes live, in its place among the method's routes, with the controller's data kept, because
 * the method runs again on the app's instance. If running it again throws, the routes it had
 * answer as before and the load says a restart applies it; with two instances of the class,
 * which one made which route is not known, and the load says so instead of guessing.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { LoadResult } from 'hotpatch-agent/protocol';
import { App } from '../helpers/app';
import { scratchFiles } from '../helpers/scratch';

const CONTROLLER = `const express = require('express');

class PostsController {
  constructor(path) {
    this.path = path;
    this.router = express.Router();
    this.posts = [{ id: 1, title: 'hello' }];
    this.initializeRoutes();
  }

  initializeRoutes() {
    this.router.get(this.path, (req, res) => res.json(this.posts));
    this.router.get(this.path + '/:id', (req, res) => res.json(this.posts.find((p) => p.id === Number(req.params.id)) ?? null));
    this.router.post(this.path, (req, res) => {
      this.posts.push({ id: this.posts.length + 1, title: req.body.title });
      res.status(201).json({ count: this.posts.length });
    });
  }
}

module.exports = { PostsController };
`;

const main = (paths: string[]): string => `const express = require('express');
const { PostsController } = require('./controller');

const app = express();
app.use(express.json());
for (const controller of [${paths.map((p) => `new PostsController('${p}')`).join(', ')}]) app.use('/', controller.router);
app.use((req, res) => res.status(404).send('nothing at ' + req.path));
app.listen(0, '127.0.0.1', function () {
  console.log('LISTENING ' + this.address().port);
});
`;

async function startApp(paths = ['/posts']): Promise<App> {
  const fixture = scratchFiles('method-rerun', {
    'package.json': '{ "name": "method-rerun", "private": true }',
    'controller.js': CONTROLLER,
    'app.js': main(paths),
  });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  return app;
}

/** The controller with `route` added to initializeRoutes before its `/:id` route. */
const withRoute = (route: string): string =>
  CONTROLLER.replace("    this.router.get(this.path + '/:id'", `    ${route}\n    this.router.get(this.path + '/:id'`);

/** A route reading the controller's posts. */
const STATS_ROUTE = "this.router.get(this.path + '/stats', (req, res) => res.json({ total: this.posts.length }));";

/** Loads `code` as the app's controller.js through a client of its agent. */
async function loadController(app: App, code: string): Promise<LoadResult> {
  const client = await app.connect();
  after(() => client.close());
  return client.load({ file: app.file('controller.js'), code });
}

async function addPost(app: App, title: string): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${app.port}/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  assert.equal(response.status, 201);
}

test('a route added to the setup method its constructor ran goes live in its place, with the data kept', async () => {
  const app = await startApp();
  await addPost(app, 'kept');
  const result = await loadController(app, withRoute(STATS_ROUTE));

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  assert.match(
    result.report.ran.join('\n'),
    /PostsController\.initializeRoutes ran again on the app's PostsController/,
  );
  // Before /:id, as in the method: not taken for a post's id.
  assert.equal(await app.get('/posts/stats'), '{"total":2}', 'the data the controller had is kept');
  assert.equal(await app.get('/posts/2'), '{"id":2,"title":"kept"}');
  await addPost(app, 'after');
  assert.equal(await app.get('/posts/stats'), '{"total":3}', 'each route is there once: the POST added one post');
  assert.equal(await app.get('/elsewhere'), 'nothing at /elsewhere', "the app's own 404 still comes after them");
});

test('a setup method that throws when it runs again leaves its routes as they were, and says a restart applies it', async () => {
  const app = await startApp();
  // Express refuses a handler that is no function: the method throws as it runs again.
  const result = await loadController(
    app,
    withRoute("this.router.get(this.path + '/stats', (req, res) => res.json({}), 'not today');"),
  );

  assert.match(
    result.report.notApplied.join('\n'),
    /PostsController\.initializeRoutes: .*running that again failed.*restart to apply it/,
  );
  assert.equal(await app.get('/posts/1'), '{"id":1,"title":"hello"}', 'the routes it had answer');
  assert.equal(await app.get('/posts/stats'), 'null', 'taken by /:id as before: the new route is not there');
});

test('with two instances of the class, the load says a restart applies the new route instead of guessing', async () => {
  const app = await startApp(['/posts', '/drafts']);
  const result = await loadController(app, withRoute(STATS_ROUTE));

  assert.match(result.report.notApplied.join('\n'), /PostsController\.initializeRoutes .*registers something new/);
  assert.equal(await app.get('/drafts/1'), '{"id":1,"title":"hello"}', 'the routes both had answer');
});

test('a setup method that also sets a field is not run again: the field would start over', async () => {
  const app = await startApp();
  await addPost(app, 'kept');
  const result = await loadController(
    app,
    withRoute(STATS_ROUTE).replace('  initializeRoutes() {\n', '  initializeRoutes() {\n    this.posts = [];\n'),
  );

  assert.match(result.report.notApplied.join('\n'), /PostsController\.initializeRoutes .*registers something new/);
  assert.equal(await app.get('/posts/2'), '{"id":2,"title":"kept"}', 'the posts are kept');
});
