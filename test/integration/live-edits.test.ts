/**
 * A load applies the edit, not the module: everyday edits to an Express app in the shape real
 * apps have (test/fixtures/apps/live), loaded into the running app on Node 20, 22 and 24, as
 * CommonJS, as ES modules, as TypeScript compiled by tsc, and as TypeScript run by tsx (as
 * CommonJS and as ES modules). Each test names the part of the issue it shows (1 module state
 * kept … 7 constructors).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { LoadResult, ModuleInfo } from 'hotpatch-agent/protocol';
import { compileModule, type AgentClient } from 'hotpatch-extension/engine';
import { App, type AppKind } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { nodeRuntimes } from '../helpers/paths';
import { waitFor } from '../helpers/wait';

/** How each kind runs the fixture, and where its entry file and class file are. */
const kinds: Record<
  'cjs' | 'esm' | 'ts-cjs' | 'tsx' | 'tsx-esm',
  { kind: AppKind; args: string[]; app: string; counter: string; actions: string }
> = {
  cjs: {
    kind: 'cjs',
    args: ['-r', 'hotpatch-agent/register', 'app.js'],
    app: 'app.js',
    counter: 'counter.js',
    actions: 'actions.js',
  },
  esm: {
    kind: 'esm',
    args: ['--import', 'hotpatch-agent/register', 'app.mjs'],
    app: 'app.mjs',
    counter: 'counter.mjs',
    actions: 'actions.mjs',
  },
  'ts-cjs': {
    kind: 'ts-cjs',
    args: ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'dist/app.js'],
    app: 'src/app.ts',
    counter: 'src/counter.ts',
    actions: 'src/actions.ts',
  },
  tsx: {
    kind: 'tsx',
    args: ['--import', 'tsx', '-r', 'hotpatch-agent/register', 'src/app.ts'],
    app: 'src/app.ts',
    counter: 'src/counter.ts',
    actions: 'src/actions.ts',
  },
  'tsx-esm': {
    kind: 'tsx',
    args: ['--import', 'tsx', '--import', 'hotpatch-agent/register', 'src/esm/app.mts'],
    app: 'src/esm/app.mts',
    counter: 'src/esm/counter.mts',
    actions: 'src/esm/actions.mts',
  },
};

async function json<T>(app: App, path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`http://127.0.0.1:${app.port}${path}`, init);
  return (await response.json()) as T;
}

const post = (name: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name }),
});

for (const runtime of nodeRuntimes()) {
  for (const [name, setup] of Object.entries(kinds)) {
    describe(`node ${runtime.major} ${name}: a load applies the edit, not the module`, () => {
      let app: App;
      let client: AgentClient;
      let modules: ModuleInfo[];

      /** Edits a file of the app and loads it through the protocol, compiled as the save pipeline compiles it. */
      const load = async (file: string, edit: (text: string) => string): Promise<LoadResult> => {
        app.edit(file, edit);
        const text = readFileSync(app.file(file), 'utf8');
        const module = modules.find((m) => m.file === app.file(file) || m.sources.includes(app.file(file)))!;
        assert.ok(module, `${file} is a hot module`);
        const { code } = await compileModule(app.file(file), text, client.info.nodeVersion, module);
        return client.load({ file: module.file, code, source: text, origin: 'protocol' });
      };

      before(async () => {
        app = await App.start(setup.kind, { runtime, fixture: 'live', args: setup.args, env: { PORT: '0' } });
        client = await app.connect();
        modules = await client.modules();
      });
      after(async () => {
        client?.close();
        await app?.stop();
      });

      test('1. module state is kept; a changed initializer gives the new value', async () => {
        await fetch(`http://127.0.0.1:${app.port}/items`, post('kept'));
        const before = await json<{ items: string[]; hits: number }>(app, '/items');
        const result = await load(setup.app, (t) =>
          t.replace('summary: describe(items)', 'summary: `now ${describe(items)}`').replace('LIMIT = 3', 'LIMIT = 5'),
        );
        assert.equal(result.report.mode, 'patched');
        assert.deepEqual(result.report.rebound, ['LIMIT']);
        assert.deepEqual(result.warnings, []);
        const after = await json<{ items: string[]; summary: string; hits: number }>(app, '/items');
        assert.deepEqual(after.items, ['seed', 'kept'], 'the array made at startup, with what was posted');
        assert.equal(after.summary, 'now 2 items', 'the handler runs its new body');
        assert.equal(after.hits, before.hits + 1, 'the counter was not reset');
      });

      test('1b. a changed initializer of a variable the app has changed since keeps the running value, and says so', async () => {
        // items was ['seed'] at startup, and test 1 posted to it.
        const result = await load(setup.app, (t) => t.replace("['seed']", "['seed', 'second seed']"));
        assert.ok(!result.report.rebound.includes('items'), result.report.rebound.join(', '));
        assert.match(
          result.warnings.join('\n'),
          /items keeps its running value: its initializer changed, but the app has changed items/,
        );
        const { items } = await json<{ items: string[] }>(app, '/items');
        assert.deepEqual(items, ['seed', 'kept'], 'what the app posted is still there');
      });

      test('2. effects in force are not repeated; a new statement runs once; a removed one is said', async () => {
        const result = await load(setup.app, (t) =>
          t
            .replace('const LIMIT = 5;', "const LIMIT = 5;\nitems.push('from-a-load');")
            .replace('globalThis.liveFixtureStartedAt = Date.now();\n', ''),
        );
        // app.listen, app.use and every route registration did not run again: no EADDRINUSE, no second route.
        assert.ok(result.report.kept >= 8, `kept ${result.report.kept}`);
        assert.equal(result.report.ran.length, 1, result.report.ran.join('; '));
        assert.match(result.report.ran[0]!, /items\.push\(["']from-a-load["']\)/);
        assert.equal(result.report.notApplied.length, 1, result.report.notApplied.join('; '));
        assert.match(result.report.notApplied[0]!, /liveFixtureStartedAt.*cannot be undone/);
        await load(setup.app, (t) => t.replace('now ${describe(items)}', 'then ${describe(items)}'));
        const { items } = await json<{ items: string[] }>(app, '/items');
        assert.deepEqual(items.filter((i) => i === 'from-a-load').length, 1);
      });

      test('3. every function runs its newest code: inline handlers and closures made at startup', async () => {
        const result = await load(setup.app, (t) => t.replace('`mounted at ${prefix}`', '`now mounted at ${prefix}`'));
        assert.deepEqual(result.warnings, []);
        assert.equal(await app.get('/plugin/where'), 'now mounted at /plugin', 'the closure keeps its prefix');
        // A new route goes where its statement stands, before the 404 handler; taking it out takes it back.
        const added = await load(setup.app, (t) =>
          t.replace(
            "mount(app, '/plugin');",
            "mount(app, '/plugin');\napp.get('/new', (req, res) => res.send('new'));",
          ),
        );
        assert.deepEqual(added.warnings, []);
        assert.equal(await app.get('/new'), 'new');
        const removed = await load(setup.app, (t) =>
          t.replace("\napp.get('/new', (req, res) => res.send('new'));", ''),
        );
        assert.equal(removed.report.undone.length, 1);
        assert.equal(await app.get('/new'), 'no route');
      });

      test('3b. a function that gains a parameter gets it from new callers, through the function the app holds', async () => {
        const result = await load(setup.app, (t) =>
          t
            .replace(
              /function describe\(list(: string\[\])?\)/,
              (m, type: string | undefined) => `function describe(list${type ?? ''}, word${type ? ': string' : ''})`,
            )
            .replace('return `${list.length} items`;', 'return `${list.length} ${word}`;')
            .replace('summary: `then ${describe(items)}`', "summary: `then ${describe(items, 'things')}`"),
        );
        assert.deepEqual(result.warnings, []);
        const { summary } = await json<{ summary: string }>(app, '/items');
        assert.match(summary, /^then \d+ things$/);
      });

      test('4. a changed listen hands the running server over: same port, no refused request', async () => {
        const port = app.port;
        let refused = 0;
        let polling = true;
        const poller = (async () => {
          while (polling) await fetch(`http://127.0.0.1:${port}/items`).catch(() => refused++);
        })();
        // A changed listen statement runs again (a changed callback alone would only get a new body).
        const result = await load(setup.app, (t) =>
          t.replace('Number(process.env.PORT || 0)', 'Number(process.env.PORT ?? 0)'),
        );
        polling = false;
        await poller;
        assert.equal(refused, 0);
        assert.ok(
          result.report.ran.some((r) => /server on .* now runs the new handler/.test(r)),
          result.report.ran.join('; '),
        );
        assert.match(await app.get('/plugin/where'), /mounted at/);
      });

      test('5. a new version can never kill the app', async () => {
        const blocker: Server = createServer();
        await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
        after(() => blocker.close());
        const taken = (blocker.address() as { port: number }).port;
        await assert.rejects(
          load(setup.app, (t) =>
            t.replace("mount(app, '/plugin');", `mount(app, '/plugin');\napp.listen(${taken}, '127.0.0.1');`),
          ),
          /EADDRINUSE/,
        );
        await assert.rejects(
          load(setup.app, (t) =>
            t.replace(`\napp.listen(${taken}, '127.0.0.1');`, "\nPromise.reject(new Error('boom'));"),
          ),
          /unhandled: boom/,
        );
        // The file back as it was: the version running was never replaced.
        app.edit(setup.app, (t) => t.replace("\nPromise.reject(new Error('boom'));", ''));
        assert.equal(app.child.exitCode, null, 'the app is alive');
        await waitFor('the app to answer', async () =>
          (await app.get('/plugin/where')).includes('mounted') ? true : undefined,
        );
      });

      test('6. the CLI reports what applied and what did not, and never a bare ✓ when something did not', async () => {
        app.edit(setup.app, (t) =>
          t.replace('app.use(express.json());\n', 'app.use(express.json());\nglobalThis.marked = true;\n'),
        );
        const added = await runCli(['load', app.file(setup.app)], app.discoveryDir);
        assert.equal(added.code, 0, added.stderr);
        assert.match(added.stdout, /✓ .*is current/);
        assert.match(added.stdout, /applied: .*ran line \d+: globalThis\.marked = true/);
        app.edit(setup.app, (t) => t.replace('globalThis.marked = true;\n', ''));
        const removed = await runCli(['load', app.file(setup.app)], app.discoveryDir);
        assert.match(removed.stdout, /⚠ .*is current/);
        assert.match(removed.stdout, /not applied: the statement at line \d+ \(globalThis\.marked = true\)/);
        assert.match(removed.stdout, /restart the app/);
      });

      test('6b. a new export of a module whose exports became routes at startup gets its route', async () => {
        assert.equal(await app.get('/actions/ping'), 'pong');
        const pong = {
          cjs: "exports.pong = (req, res) => res.send('ping');",
          esm: "export const pong = (req, res) => res.send('ping');",
          'ts-cjs': "export const pong = (req: Request, res: Response) => res.send('ping');",
          tsx: "export const pong = (req: Request, res: Response) => res.send('ping');",
          'tsx-esm': "export const pong = (req: Request, res: Response) => res.send('ping');",
        }[name]!;
        const result = await load(setup.actions, (t) => `${t}${pong}\n`);
        // The boot loop that built routes from the module's exports ran again, after the commit.
        assert.deepEqual(result.report.notApplied, []);
        assert.match(result.report.ran.join('\n'), /app\.m?[jt]s line \d+: for\(.*again for the new export/);
        assert.equal(await app.get('/actions/pong'), 'ping');
        assert.equal(await app.get('/actions/ping'), 'pong', 'the routes it built before are there, once each');
        assert.equal(await app.get('/nowhere'), 'no route', 'the 404 handler still comes last');
      });

      test('7a. a field a class gains reaches the instances made before the load', async () => {
        const before = await json<{ count: number }>(app, '/count');
        const result = await load(setup.counter, (t) =>
          t
            .replace('  n = 0;\n', '  n = 0;\n  history = [this.name];\n')
            .replace('return ++this.n;', 'this.history.push(this.n);\n    return ++this.n;'),
        );
        assert.deepEqual(result.warnings, []);
        assert.ok(result.report.added.includes('Counter.history'), result.report.added.join(', '));
        // The counter made at startup has no history of its own: its first use gives it one.
        const after = await json<{ count: number }>(app, '/count');
        assert.equal(after.count, before.count + 1, 'the startup instance kept its count and runs the new inc()');
      });

      test('7. constructors: new instances run the new one; a "#" in a string is not a private member', async () => {
        const before = await json<{ count: number; fresh: number; color: string }>(app, '/count');
        const result = await load(setup.counter, (t) =>
          t.replace('this.start = 0;', 'this.start = 100;').replace("return '#fff';", "return '#000';"),
        );
        // A field's new initial value is for new instances; the one made at startup keeps its state: nothing to say.
        assert.deepEqual(result.warnings, []);
        const after = await json<{ count: number; fresh: number; color: string }>(app, '/count');
        assert.equal(after.count, before.count + 1, 'the instance made at startup keeps its state');
        assert.equal(after.fresh, 100, 'a new instance ran the new constructor');
        assert.equal(after.color, '#000');
        // Any other change to the constructor is said: the instance made at startup was set up by the old one.
        const checked = await load(setup.counter, (t) =>
          t.replace(
            'this.start = 100;',
            "this.start = 100;\n    if (!name) throw new Error('a counter needs a name');",
          ),
        );
        assert.equal(checked.warnings.length, 1, checked.warnings.join('\n'));
        assert.match(
          checked.warnings[0]!,
          /^Counter's constructor changed \(line \d+\): instances made before this load were set up by the old one/,
        );
        // A constructor that only gains a field's assignment: the field reaches the old instances, nothing to say.
        const gained = await load(setup.counter, (t) =>
          t.replace('this.start = 100;', "this.start = 100;\n    this.label = 'counter';"),
        );
        assert.deepEqual(gained.warnings, []);
        assert.ok(gained.report.added.includes('Counter.label'), gained.report.added.join(', '));
        // A field no longer declared stays on the instances that have it: said.
        const removed = await load(setup.counter, (t) => t.replace("\n    this.label = 'counter';", ''));
        assert.match(
          removed.warnings.join('\n'),
          /Counter\.label is no longer a field: instances made before this load keep it/,
        );
        const privateClass = await load(setup.counter, (t) =>
          t
            .replace("return '#000';", 'return this.#shade;')
            .replace('class Palette {\n', "class Palette {\n  #shade = '#111';\n"),
        );
        assert.match(privateClass.warnings.join('\n'), /Palette uses private members/);
      });
    });
  }
}
