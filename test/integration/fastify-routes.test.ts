/**
 * Fastify's routes in a load (live/fastify-routes.ts): Fastify takes no route once it listens,
 * yet a route a load adds to the entry file answers, with what Fastify gives a route as the app
 * starts (the instance's hooks, its schema compiled: a body that breaks it is refused); a route
 * whose path a load changes, or whose statement it takes out, stops answering. A route whose
 * schema does not compile fails the load, and nothing of it stays.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { scratchFiles } from '../helpers/scratch';

const APP = `const Fastify = require('fastify');

const app = Fastify({ logger: false });
const notes = [{ id: 1, title: 'first' }];

app.addHook('onRequest', async (request, reply) => {
  reply.header('x-served-by', 'notes');
});

app.get('/notes', async () => notes);

app.listen({ port: 0, host: '127.0.0.1' }, (err, address) => {
  if (err) throw err;
  console.log('LISTENING ' + new URL(address).port);
});
`;

async function startApp(): Promise<{
  app: App;
  load: (code: string) => ReturnType<Awaited<ReturnType<App['connect']>>['load']>;
}> {
  const fixture = scratchFiles('fastify-routes', {
    'package.json': '{ "name": "fastify-routes", "private": true }',
    'app.js': APP,
  });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  return { app, load: (code) => client.load({ file: app.file('app.js'), code }) };
}

const NEW_ROUTE = `app.post('/notes', {
  schema: { body: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } } },
}, async (request, reply) => {
  notes.push({ id: notes.length + 1, title: request.body.title });
  reply.code(201);
  return { count: notes.length };
});
`;

const withRoute = (route: string): string => APP.replace('app.listen(', `${route}\napp.listen(`);

async function post(app: App, path: string, body: unknown): Promise<Response> {
  return fetch(`http://127.0.0.1:${app.port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

test('a route a load adds to a Fastify app that listens answers, with its hooks and its schema', async () => {
  const { app, load } = await startApp();

  const result = await load(withRoute(NEW_ROUTE));

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  const created = await post(app, '/notes', { title: 'second' });
  assert.equal(created.status, 201);
  assert.deepEqual(await created.json(), { count: 2 });
  assert.equal(created.headers.get('x-served-by'), 'notes', "the instance's onRequest hook runs for it");
  const refused = await post(app, '/notes', { name: 'no title' });
  assert.equal(refused.status, 400, 'its body schema was compiled: a body without a title is refused');
  assert.match(await app.get('/notes'), /"second"/, 'the data the app had is kept');
});

test('a route whose path a load changes answers at the new path only; taken out, it answers nowhere', async () => {
  const { app, load } = await startApp();
  await load(withRoute(NEW_ROUTE));
  assert.equal((await post(app, '/notes', { title: 'x' })).status, 201);

  const moved = await load(withRoute(NEW_ROUTE.replace("app.post('/notes',", "app.post('/notes/new',")));
  assert.deepEqual(moved.report.notApplied, []);
  assert.equal((await post(app, '/notes/new', { title: 'y' })).status, 201);
  assert.equal((await post(app, '/notes', { title: 'z' })).status, 404, 'the old path is gone');

  const removed = await load(APP);
  assert.deepEqual(removed.report.notApplied, []);
  assert.equal((await post(app, '/notes/new', { title: 'w' })).status, 404);
  assert.match(await app.get('/notes'), /"x".*"y"/, 'the routes it had answer, with the data');
});

test('a route whose schema does not compile fails the load, and nothing of it stays', async () => {
  const { app, load } = await startApp();

  await assert.rejects(
    load(withRoute(NEW_ROUTE.replace("type: 'object', required", "type: 'no-such-type', required"))),
    /schema|no-such-type/i,
  );

  assert.equal((await post(app, '/notes', { title: 'x' })).status, 404, 'the route is not there');
  const fixed = await load(withRoute(NEW_ROUTE));
  assert.deepEqual(fixed.report.notApplied, []);
  assert.equal((await post(app, '/notes', { title: 'x' })).status, 201, 'the same route loads once it compiles');
});
