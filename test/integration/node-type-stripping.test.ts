/**
 * TypeScript Node runs itself (`node src/app.ts`: Node ≥ 22.18 strips types by default): its
 * modules are hot, their next versions are sent as the TypeScript they are and stripped by the
 * agent as Node stripped the running version, so unchanged statements read the same and the
 * module's state and routes stay. Without it the modules were not hot at all ("not a loaded
 * module of any of the running agents"). ES modules (`.ts` under `"type": "module"`) and
 * CommonJS (`.cts`), on each Node the tests run that strips types.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { nodeRuntimes } from '../helpers/paths';

const stripping = nodeRuntimes().filter((runtime) => runtime.major >= 22);

const apps = [
  { fixture: 'node-ts-esm', agent: '--import', entry: 'src/app.ts', routes: 'src/routes.ts' },
  { fixture: 'node-ts-cjs', agent: '-r', entry: 'src/app.cts', routes: 'src/routes.cts' },
];

describe(
  'TypeScript Node runs itself',
  { skip: stripping.length === 0 && 'no Node ≥ 22 installed (npm run pretest)' },
  () => {
    for (const runtime of stripping) {
      for (const { fixture, agent, entry, routes } of apps) {
        test(`node ${runtime.major}, ${fixture}: a save loads live as TypeScript, its state kept; a TypeScript error is refused`, async () => {
          const app = await App.start('tsx', {
            fixture,
            runtime,
            args: [agent, 'hotpatch-agent/register', entry],
          });
          after(() => app.stop());
          assert.equal(await app.get('/hits'), '1');

          // The edit changes a type too: what is sent is TypeScript.
          app.edit(routes, (text) =>
            text.replace('`hello, ${', '`hi, ${').replace('let hits: number = 0;', 'let hits: number | bigint = 0;'),
          );
          const loaded = await runCli(['load', app.file(routes)], app.discoveryDir);
          assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
          assert.match(loaded.stdout, /✓ .*src\/routes\.c?ts: vsn/);
          assert.doesNotMatch(loaded.stdout, /taken back|restart/, loaded.stdout);
          assert.equal(await app.get('/greet?name=ann'), 'hi, ann');
          assert.equal(await app.get('/hits'), '2', 'the count went on');
          // The module says Node strips it; its version keeps the TypeScript saved as its source
          // (what the editor diffs and the state types are read from) and ran its JavaScript.
          const client = await app.connect();
          after(() => client.close());
          const module = (await client.modules()).find((m) => m.file === app.file(routes));
          assert.equal(module?.typescript, 'strip');
          const version = await client.source(app.file(routes));
          assert.match(version.source, /let hits: number \| bigint = 0;/);
          assert.doesNotMatch(version.code, /: number/);
          // A client that sends the TypeScript alone (agent/load over the protocol): the same.
          const typescript = readFileSync(app.file(routes), 'utf8').replace('`hi, ${', '`hey, ${');
          await client.load({ file: app.file(routes), code: typescript });
          assert.equal(await app.get('/greet?name=ann'), 'hey, ann');
          assert.equal((await client.source(app.file(routes))).source, typescript);

          // TypeScript Node cannot strip: refused, naming the file; the app runs on as it was.
          app.edit(routes, (text) => text.replace('let hits: number | bigint = 0;', 'let hits: number = ;'));
          const refused = await runCli(['load', app.file(routes)], app.discoveryDir);
          assert.notEqual(refused.code, 0, refused.stdout);
          assert.match(refused.stdout + refused.stderr, /routes\.c?ts/);
          assert.equal(await app.get('/greet?name=ann'), 'hey, ann');
          assert.equal(await app.get('/hits'), '3');
          // The agent strips with Node's own function without its warning in the app's output.
          assert.doesNotMatch(app.output.stderr, /ExperimentalWarning|stripTypeScriptTypes/, app.output.stderr);
        });
      }
    }
  },
);
