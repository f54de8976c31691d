/**
 * State outside servers migrates as servers' states do (issue 10, item 3): a module's
 * `codeChange` converts its variables, a class's `static codeChange` converts every live
 * instance, in the dry run on copies (nothing changes) and at commit (all or nothing). Against
 * a real app (test/fixtures/apps/holders) as CommonJS, as ES modules and as TypeScript run by tsx.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ModuleInfo, StateShape, UpgradePlan } from 'hotpatch-agent/protocol';
import { compileModule, type AgentClient } from 'hotpatch-extension/engine';
import { App, type AppKind } from '../helpers/app';

const kinds: Record<string, { kind: AppKind; args: string[]; store: string; service: string; typed: boolean }> = {
  cjs: {
    kind: 'cjs',
    args: ['-r', 'hotpatch-agent/register', 'app.js'],
    store: 'store.js',
    service: 'service.js',
    typed: false,
  },
  esm: {
    kind: 'esm',
    args: ['--import', 'hotpatch-agent/register', 'app.mjs'],
    store: 'store.mjs',
    service: 'service.mjs',
    typed: false,
  },
  tsx: {
    kind: 'tsx',
    args: ['--import', 'tsx', '-r', 'hotpatch-agent/register', 'src/app.ts'],
    store: 'src/store.ts',
    service: 'src/service.ts',
    typed: true,
  },
};

for (const [name, setup] of Object.entries(kinds)) {
  describe(`${name}: module variables and class instances migrate with codeChange`, () => {
    let app: App;
    let client: AgentClient;
    let modules: ModuleInfo[];

    const get = async (path: string): Promise<unknown> =>
      (await fetch(`http://127.0.0.1:${app.port}${path}`)).json() as Promise<unknown>;

    /** Writes the edit and prepares it, compiled as the save pipeline compiles it; the file is put back after. */
    const prepare = async (
      file: string,
      edit: (text: string) => string,
      holderShapes?: Record<string, StateShape>,
    ): Promise<{ plan: UpgradePlan; module: ModuleInfo }> => {
      const original = readFileSync(app.file(file), 'utf8');
      app.edit(file, edit);
      const text = readFileSync(app.file(file), 'utf8');
      app.edit(file, () => original);
      const module = modules.find((m) => m.file === app.file(file) || m.sources.includes(app.file(file)))!;
      assert.ok(module, `${file} is a hot module`);
      const { code } = await compileModule(app.file(file), text, client.info.nodeVersion, module);
      const plan = await client.prepare({
        modules: [{ file: module.file, code, source: text, origin: 'protocol' }],
        ...(holderShapes ? { holderShapes: { [module.file]: holderShapes } } : {}),
      });
      return { plan, module };
    };

    /** The store's next version: todos get `done`, which list shows; `convert` is its codeChange's body. */
    const storeWith =
      (convert: string) =>
      (text: string): string => {
        const signature = setup.typed
          ? 'export function codeChange(from: string | { down: string }, old: { todos: { id: number; title: string }[] }): Record<string, unknown>'
          : `${setup.store.endsWith('.mjs') ? 'export ' : ''}function codeChange(from, old)`;
        return `${text
          .replace('  title: string;\n}', '  title: string;\n  done: boolean;\n}')
          .replace(
            'return todos.map((todo) => todo.title);',
            'return todos.map((todo) => `${todo.title}:${todo.done}`);',
          )
          .replace(
            'todos.push({ id: nextId++, title });',
            'todos.push({ id: nextId++, title, done: false });',
          )}\n${signature} {\n  ${convert}\n}\n`;
      };

    /** The service's next version: cats get a `color`, which names shows; `convert` is the static codeChange's body. */
    const serviceWith =
      (convert: string) =>
      (text: string): string => {
        const signature = setup.typed
          ? 'static codeChange(from: string | { down: string }, old: { cats: { name: string }[] }): Record<string, unknown>'
          : 'static codeChange(from, old)';
        return text
          .replace('  name: string;\n}', '  name: string;\n  color: string;\n}')
          .replace('class CatsService {\n', `class CatsService {\n  ${signature} {\n    ${convert}\n  }\n\n`)
          .replace('this.cats.push({ name });', "this.cats.push({ name, color: 'unknown' });")
          .replace(
            'return this.cats.map((cat) => cat.name);',
            'return this.cats.map((cat) => `${cat.name}/${cat.color}`);',
          );
      };

    before(async () => {
      app = await App.start(setup.kind, { fixture: 'holders', args: setup.args, env: { PORT: '0' } });
      client = await app.connect();
      modules = await client.modules();
      assert.equal(await get('/todos/add?title=kept'), 2);
    });
    after(async () => {
      client?.close();
      await app?.stop();
    });

    test('refused, and nothing changes: a name that is no variable, a wrong shape, a class lost, a throw for one instance', async () => {
      const notVariable = await prepare(setup.store, storeWith('return { nope: 1 };'));
      assert.equal(notVariable.plan.ok, false);
      assert.match(notVariable.plan.errors[0]!.message, /'nope', which is not a variable of the module/);

      const wrongShape = await prepare(
        setup.store,
        storeWith("return { todos: old.todos.map((todo) => ({ ...todo, done: 'no' })) };"),
        {
          module: {
            type: 'object',
            properties: {
              todos: {
                shape: {
                  type: 'array',
                  element: {
                    type: 'object',
                    properties: {
                      id: { shape: { type: 'number' } },
                      title: { shape: { type: 'string' } },
                      done: { shape: { type: 'boolean' } },
                    },
                  },
                },
              },
            },
          },
        },
      );
      assert.equal(wrongShape.plan.ok, false);
      assert.match(wrongShape.plan.errors[0]!.message, /codeChange returned todos\[0\]\.done: expected boolean/);

      // A class instance returned as a plain object would lose its methods: refused, not loaded.
      const exported = setup.typed || setup.service.endsWith('.mjs') ? 'export ' : '';
      const signature = setup.typed
        ? 'codeChange(from: string | { down: string }, old: { cats: object }): Record<string, unknown>'
        : 'codeChange(from, old)';
      const spreadsInstance = await prepare(
        setup.service,
        (text) => `${text}\n${exported}function ${signature} {\n  return { cats: { ...old.cats } };\n}\n`,
      );
      assert.equal(spreadsInstance.plan.ok, false);
      assert.match(
        spreadsInstance.plan.errors[0]!.message,
        /codeChange returned cats as a plain object where the running state holds an instance of CatsService: its methods would be gone/,
      );

      const oneThrows = await prepare(
        setup.service,
        serviceWith("if (old.cats.some((cat) => cat.name === 'spare')) throw new Error('not this one'); return {};"),
      );
      assert.equal(oneThrows.plan.ok, false);
      assert.equal(oneThrows.plan.errors.length, 1);
      assert.match(oneThrows.plan.errors[0]!.process ?? '', /^CatsService instance \d$/);
      assert.match(oneThrows.plan.errors[0]!.message, /codeChange threw: not this one/);

      // The dry runs wrote nothing and nothing was loaded.
      assert.deepEqual(await get('/todos'), ['seed', 'kept']);
      assert.deepEqual(await get('/cats'), ['tom']);
      assert.deepEqual((await client.modules()).find((m) => m.file.endsWith(basename(setup.store)))?.current.seq, 1);
    });

    test('module variables: the dry run previews on copies, the commit converts them', async () => {
      // As a generated stub does: only the running version's variables are converted.
      const running = modules.find((m) => m.file.endsWith(basename(setup.store)))!.current.vsn;
      const { plan, module } = await prepare(
        setup.store,
        storeWith(
          `if (from !== ${JSON.stringify(running)}) return {};\n  return { todos: old.todos.map((todo) => ({ ...todo, done: false })) };`,
        ),
      );
      assert.equal(plan.ok, true, JSON.stringify(plan.errors));
      assert.deepEqual(plan.modules[0]!.holders, [{ key: 'module', instances: 1, migration: true }]);
      assert.equal(plan.modules[0]!.migration, true);
      const preview = plan.previews.find((p) => p.process === `${basename(module.file)} variables`);
      assert.deepEqual(preview?.before, {
        todos: [
          { id: 1, title: 'seed' },
          { id: 2, title: 'kept' },
        ],
      });
      assert.deepEqual(preview?.after, {
        todos: [
          { id: 1, title: 'seed', done: false },
          { id: 2, title: 'kept', done: false },
        ],
      });
      assert.deepEqual(await get('/todos'), ['seed', 'kept'], 'the dry run changed nothing');
      const result = await client.commit(plan.id);
      assert.deepEqual(result.warnings, []);
      assert.deepEqual(await get('/todos'), ['seed:false', 'kept:false']);
      assert.equal(await get('/todos/add?title=new'), 3, 'nextId and the array are the running ones');
      assert.deepEqual(await get('/todos'), ['seed:false', 'kept:false', 'new:false']);
    });

    test('an edited codeChange reads state holding functions: the copy carries them, the running objects are written', async () => {
      // The store's hooks hold a function: the codeChange calls it on each todo's copy, and the
      // todos are converted in place. The store has the codeChange of the test before: this load
      // edits it, and the edited one must run (the running one's body ran, and returned {}).
      const running = (await client.modules()).find((m) => m.file.endsWith(basename(setup.store)))!.current.vsn;
      const { plan } = await prepare(
        setup.store,
        storeWith(
          `if (from !== ${JSON.stringify(running)}) return {};\n` +
            '  for (const todo of old.todos) Object.assign(todo, { done: old.hooks.afterAdd[0](todo) === todo.id });\n' +
            '  return { todos: old.todos, hooks: old.hooks };',
        ),
      );
      assert.equal(plan.ok, true, JSON.stringify(plan.errors));
      await client.commit(plan.id);
      assert.deepEqual(await get('/todos'), ['seed:true', 'kept:true', 'new:true']);
      assert.equal(await get('/todos/add?title=after'), 4, 'the hook runs on');
      assert.deepEqual(await get('/todos'), ['seed:true', 'kept:true', 'new:true', 'after:false']);
    });

    test("class instances: every live instance's fields are converted, those made before the load included", async () => {
      const { plan } = await prepare(
        setup.service,
        serviceWith("return { cats: old.cats.map((cat) => ({ ...cat, color: 'grey' })) };"),
      );
      assert.equal(plan.ok, true, JSON.stringify(plan.errors));
      assert.deepEqual(plan.modules[0]!.holders, [{ key: 'class:CatsService', instances: 2, migration: true }]);
      assert.deepEqual(
        plan.previews.map((p) => p.after).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
        [{ cats: [{ name: 'spare', color: 'grey' }] }, { cats: [{ name: 'tom', color: 'grey' }] }],
      );
      assert.deepEqual(await get('/cats'), ['tom'], 'the dry run changed nothing');
      await client.commit(plan.id);
      assert.deepEqual(await get('/cats'), ['tom/grey']);
      assert.deepEqual(await get('/spare'), ['spare/grey']);
      assert.equal(await get('/cats/add?name=felix'), 2);
      assert.deepEqual(await get('/cats'), ['tom/grey', 'felix/unknown']);
    });

    test('all or nothing at commit: the instances are found again, and one failing refuses the upgrade', async () => {
      const { plan } = await prepare(
        setup.service,
        serviceWith(
          "if (old.cats.some((cat) => cat.name === 'poison')) throw new Error('poisoned'); return { cats: [] };",
        ),
      );
      assert.equal(plan.ok, true, JSON.stringify(plan.errors));
      // Between the dry run and the commit the state changes so that one instance's migration throws.
      assert.equal(await get('/cats/add?name=poison'), 3);
      const error = await client.commit(plan.id).then(
        () => assert.fail('the commit should have failed'),
        (e: unknown) => e as Error & { data?: { stage: string; errors: { message: string }[] } },
      );
      assert.equal(error.data?.stage, 'migrate');
      assert.match(error.data?.errors[0]?.message ?? '', /codeChange threw: poisoned/);
      // Neither instance was emptied: the other's result was computed but never written.
      assert.deepEqual(await get('/cats'), ['tom/grey', 'felix/unknown', 'poison/unknown']);
      assert.deepEqual(await get('/spare'), ['spare/grey']);
    });

    test('a codeChange cut off at its budget leaves the running functions as they were', async () => {
      // It runs with the new version's bodies in place (as-committed.ts); termination skips
      // the `finally`s inside it, and a new `list` must not stay behind.
      const running = await get('/todos');
      const { plan } = await prepare(setup.store, (text) => {
        const edited = storeWith('while (true) {}')(text).replace('`${todo.title}:${todo.done}`', '`${todo.title}!`');
        assert.ok(edited.includes('`${todo.title}!`'), 'list has a new body');
        return edited;
      });
      assert.equal(plan.ok, false);
      assert.match(plan.errors[0]!.message, /codeChange ran past its time budget/);
      assert.deepEqual(await get('/todos'), running);
    });
  });
}
