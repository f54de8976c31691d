/**
 * Fastify's routes in a load (live/fastify-routes.ts): Fastify takes no route once it listens,
 * yet a route a load adds to the entry file answers, with what Fastify gives a route as the app
 * starts (the instance's hooks, its schema compiled: a body that breaks it is refused); a route
 * whose path a load changes, or whose statement it takes out, stops answering. A route whose
 * schema does not compile fails the load, and nothing of it stays. A plugin whose routes a load
 * changes (a new one, one taken out, a schema, inline or in a module constant) runs again on its instance
 * (live/fastify-plugins.ts), unless it holds state of its own, which it would make anew.
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

type Load = (code: string) => ReturnType<Awaited<ReturnType<App['connect']>>['load']>;

/** A scratch app of `files` (its entry `app.js`) with the agent, and a load of `loaded` through a client. */
async function startScratch(
  prefix: string,
  files: Record<string, string>,
  loaded: string,
): Promise<{ app: App; load: Load }> {
  const fixture = scratchFiles(prefix, { 'package.json': `{ "name": "${prefix}", "private": true }`, ...files });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  return { app, load: (code) => client.load({ file: app.file(loaded), code }) };
}

const startApp = (): Promise<{ app: App; load: Load }> => startScratch('fastify-routes', { 'app.js': APP }, 'app.js');

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

test('a route declared again at its path with a new schema takes the place of its old version', async () => {
  const { app, load } = await startApp();
  await load(withRoute(NEW_ROUTE));

  const stricter = await load(withRoute(NEW_ROUTE.replace("required: ['title']", "required: ['title', 'tag']")));

  assert.deepEqual(stricter.report.notApplied, []);
  assert.equal((await post(app, '/notes', { title: 'no tag' })).status, 400, 'the new schema validates');
  assert.equal((await post(app, '/notes', { title: 'tagged', tag: 'x' })).status, 201);
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

const NOTES_PLUGIN = `module.exports = async function notesRoutes(fastify, opts) {
  fastify.get('/', async () => fastify.notes);

  fastify.get('/:id', async (request, reply) => {
    const note = fastify.notes.find((n) => n.id === Number(request.params.id));
    if (!note) return reply.code(404).send({ error: 'no such note' });
    return note;
  });
};
`;

const PLUGIN_APP = `const Fastify = require('fastify');

const app = Fastify({ logger: false });
app.decorate('notes', [{ id: 1, title: 'first' }]);
app.register(require('./notes'), { prefix: '/notes' });

app.listen({ port: 0, host: '127.0.0.1' }, (err, address) => {
  if (err) throw err;
  console.log('LISTENING ' + new URL(address).port);
});
`;

const startPluginApp = (notes = NOTES_PLUGIN): Promise<{ app: App; load: Load }> =>
  startScratch('fastify-plugins', { 'app.js': PLUGIN_APP, 'notes.js': notes }, 'notes.js');

test('a route a load adds to a plugin runs the plugin again on its instance: the route answers under its prefix, in its place', async () => {
  const { app, load } = await startPluginApp();

  const result = await load(
    NOTES_PLUGIN.replace(
      "  fastify.get('/:id',",
      "  fastify.get('/count', async () => ({ count: fastify.notes.length }));\n\n  fastify.get('/:id',",
    ),
  );

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  assert.match(result.report.ran.join('\n'), /the Fastify plugin module\.exports ran again on its instance/);
  assert.equal(await app.get('/notes/count'), '{"count":1}');
  assert.equal(await app.get('/notes/1'), '{"id":1,"title":"first"}', 'the routes it had answer once more');
});

test('a route a load takes out of a plugin runs the plugin again: it answers no more, the others do', async () => {
  const withCount = NOTES_PLUGIN.replace(
    "  fastify.get('/:id',",
    "  fastify.get('/count', async () => ({ count: fastify.notes.length }));\n\n  fastify.get('/:id',",
  );
  const { app, load } = await startPluginApp(withCount);
  assert.equal(await app.get('/notes/count'), '{"count":1}');

  const result = await load(NOTES_PLUGIN);

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  assert.match(result.report.ran.join('\n'), /the Fastify plugin module\.exports ran again on its instance/);
  assert.equal(await app.get('/notes/count'), '{"error":"no such note"}', '/count falls through to /:id');
  assert.equal(await app.get('/notes/1'), '{"id":1,"title":"first"}');
});

test('a plugin that holds state of its own says a restart applies its new route; one whose new route fails keeps its routes', async () => {
  const withCount = (extra: string, options = ''): string =>
    NOTES_PLUGIN.replace(
      "  fastify.get('/:id',",
      `${extra}  fastify.get('/count', ${options}async () => ({ count: fastify.notes.length }));\n\n  fastify.get('/:id',`,
    );
  const first = await startPluginApp();
  // Its own Map: running it again would give its routes a new, empty one.
  const stateful = await first.load(withCount('  const seen = new Map();\n'));
  assert.match(stateful.report.notApplied.join('\n'), /registers something new .*restart to apply it/);
  assert.equal(await first.app.get('/notes/count'), '{"error":"no such note"}', 'taken by /:id: no new route');

  const second = await startPluginApp();
  // A response schema Fastify cannot compile: the plugin throws as it runs again.
  const failing = await second.load(withCount('', "{ schema: { response: { 200: { type: 'nope' } } } }, "));
  assert.match(failing.report.notApplied.join('\n'), /Fastify called it at startup, and running that again failed/);
  assert.equal(await second.app.get('/notes/1'), '{"id":1,"title":"first"}', 'the routes it had answer');
  assert.equal(await second.app.get('/notes'), '[{"id":1,"title":"first"}]');
  assert.equal(await second.app.get('/notes/count'), '{"error":"no such note"}', 'the new route is not there');
});

test("a module constant a plugin's route read as its schema, given a new value, runs the plugin again: the new schema serializes", async () => {
  const plugin = `const noteSchema = { type: 'object', properties: { id: { type: 'integer' } } };

module.exports = async function notesRoutes(fastify) {
  fastify.get('/:id', { schema: { response: { 200: noteSchema } } }, async (request) =>
    fastify.notes.find((n) => n.id === Number(request.params.id)),
  );
};
`;
  const { app, load } = await startPluginApp(plugin);
  assert.equal(await app.get('/notes/1'), '{"id":1}', 'the serializer drops what the schema does not name');

  const result = await load(
    plugin.replace("id: { type: 'integer' } }", "id: { type: 'integer' }, title: { type: 'string' } }"),
  );

  assert.deepEqual(result.report.notApplied, [], 'nothing left for a restart');
  assert.equal(await app.get('/notes/1'), '{"id":1,"title":"first"}', 'compiled from the new schema');
});

test('a plugin that registers plugins of its own is not run again: one wrapped in fastify-plugin shares its routes', async () => {
  const notes = NOTES_PLUGIN.replace(
    "  fastify.get('/', async () => fastify.notes);",
    "  fastify.register(require('./shared'));\n  fastify.get('/', async () => fastify.notes);",
  );
  const { app, load } = await startScratch(
    'fastify-nested',
    {
      'app.js': PLUGIN_APP,
      'notes.js': notes,
      'shared.js':
        "const fp = require('fastify-plugin');\nmodule.exports = fp(async function shared(fastify) {\n  fastify.get('/shared', async () => ({ shared: true }));\n});\n",
    },
    'notes.js',
  );

  const result = await load(
    notes.replace(
      "  fastify.get('/:id',",
      "  fastify.get('/count', async () => ({ count: fastify.notes.length }));\n  fastify.get('/:id',",
    ),
  );

  assert.match(result.report.notApplied.join('\n'), /registers something new .*restart to apply it/);
  assert.equal(await app.get('/notes/shared'), '{"shared":true}', "the shared plugin's route still answers");
});
