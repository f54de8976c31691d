/**
 * The first save of a file, warmed when the file is opened (engine/first-save-warm-up.ts,
 * agent/warm): the agent prepares the module's running code in place and drops the plan, so
 * that the code paths the first save runs are compiled ahead of it. Nothing in the app may run
 * or change: no top-level statement runs again, no version is made, the module's data is kept,
 * and a module that could only be evaluated whole is left alone.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AgentError } from 'hotpatch-extension/engine';
import { InvalidReplyError, warmSaveReplyChecks } from '../../extension/src/engine/replies';
import { App } from '../helpers/app';
import { openInServer } from '../helpers/open-in-server';
import { scratchFolder } from '../helpers/scratch';
import { fixturesDir } from '../helpers/paths';
import { payloadModule } from '../helpers/versions';

async function startApp(): Promise<App> {
  const app = await App.start('cjs', { fixture: 'first-save' });
  after(() => app.stop());
  return app;
}

const topLevelRuns = async (app: App): Promise<{ counter: number; whole: number }> =>
  JSON.parse(await app.get('/runs')) as { counter: number; whole: number };
const countLines = (app: App): number => app.output.stdout.split('counter.js: top level ran').length - 1;

test('agent/warm on a live module runs none of its code and makes no version; the next load applies as usual', async () => {
  const app = await startApp();
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('counter.js');
  assert.equal(await app.get('/count'), 'hits: 1');
  const before = (await client.modules()).find((m) => m.file === file);
  assert.ok(before, 'counter.js is a hot module');

  const result = await client.warm(file);

  assert.equal(result.warmed, true);
  assert.ok(result.ms > 0);
  assert.deepEqual(await topLevelRuns(app), { counter: 1, whole: 1 }, 'no top level ran again');
  assert.equal(countLines(app), 1, 'its top-level console.log did not run again');
  assert.deepEqual(
    (await client.modules()).find((m) => m.file === file),
    before,
    'the same current version, no old one',
  );
  assert.equal(await app.get('/count'), 'hits: 2', 'its data is kept');
  // The language server's side of the warm-up: a save's replies checked on samples made from this
  // module. They pass the schemas, or the warm-up would stop there; a module the protocol refuses fails.
  assert.doesNotThrow(() => warmSaveReplyChecks(before));
  assert.throws(() => warmSaveReplyChecks({ ...before, current: { ...before.current, seq: -1 } }), InvalidReplyError);

  const code = readFileSync(file, 'utf8').replace('`hits: ${n}`', '`hits now: ${n}`');
  const loaded = await client.load({ file, code });
  assert.equal(loaded.module.current.seq, before.current.seq + 1, 'the load made the next version');
  assert.equal(await app.get('/count'), 'hits now: 3');
  assert.deepEqual(await topLevelRuns(app), { counter: 1, whole: 1 }, 'the load ran only what changed');
});

test('a version loaded while agent/warm is between its rounds ends the warm-up: the old code is not prepared against it', async () => {
  const app = await startApp();
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('counter.js');
  const code = readFileSync(file, 'utf8').replace("'counter.js: top level ran'", "'counter.js: version 2 ran'");

  // Sent together: the load is handled while the warm-up waits for its next turn.
  const [warm, loaded] = await Promise.all([client.warm(file), client.load({ file, code })]);

  assert.equal(warm.warmed, true);
  assert.equal(loaded.module.current.seq, 2);
  // A round preparing version 1's code against version 2 would run the statement that differs.
  assert.equal(countLines(app), 1, "version 1's console.log ran once, at startup");
  assert.equal(app.output.stdout.split('counter.js: version 2 ran').length - 1, 1, "version 2's ran once, in its load");
  assert.deepEqual(await topLevelRuns(app), { counter: 1, whole: 1 });
  assert.equal((await client.modules()).find((m) => m.file === file)?.current.seq, 2, 'version 2 is current');
});

test("a save's prepare sent while agent/warm runs ends the warm-up's rounds: the save does not wait for them", async () => {
  const app = await startApp();
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('counter.js');
  const code = readFileSync(file, 'utf8').replace('`hits: ${n}`', '`hits now: ${n}`');

  // Alone, a module this short takes 16 rounds of the whole and then rounds on a slice.
  const [warm, plan] = await Promise.all([
    client.warm(file),
    client.prepare({ modules: [{ file, code, origin: 'editor' }] }),
  ]);

  assert.equal(warm.warmed, true);
  assert.ok(warm.rounds < 16 && warm.sliceRounds === 0, `rounds: ${warm.rounds}, on a slice: ${warm.sliceRounds}`);
  assert.equal(plan.ok, true, JSON.stringify(plan.errors));
  await client.commit(plan.id);
  assert.equal(await app.get('/count'), 'hits now: 1');
  assert.deepEqual(await topLevelRuns(app), { counter: 1, whole: 1 });
});

test('agent/warm of a long module (rounds on a slice of it when a round of the whole is long) changes nothing in the app', async () => {
  const fixture = scratchFolder('warm-long');
  cpSync(join(fixturesDir, 'apps', 'leak-cjs'), fixture, { recursive: true });
  writeFileSync(join(fixture, 'payload.js'), payloadModule(1, { lines: 1000 }));
  const app = await App.start('cjs', { fixture });
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('payload.js');
  assert.equal(await app.get('/hits'), '1');
  const before = await client.modules();

  const result = await client.warm(file);

  assert.equal(result.warmed, true);
  assert.ok(result.rounds >= 1, `rounds: ${result.rounds}`);
  assert.ok(result.sliceRounds >= 0 && result.sliceRounds <= 160, `slice rounds: ${result.sliceRounds}`);
  assert.deepEqual(await client.modules(), before, 'no version made, and no module of the slice');
  assert.equal(await app.get('/payload'), 'payload-1');
  const loaded = await client.load({ file, code: payloadModule(2, { lines: 1000 }) });
  assert.equal(loaded.module.current.seq, 2);
  assert.equal(await app.get('/payload'), 'payload-2', 'the route registered at startup runs the new version');
  assert.equal(await app.get('/hits'), '2', "the store's count is kept");
});

test('agent/warm leaves a module that could only be evaluated whole alone, and names a file that is not a hot module', async () => {
  const app = await startApp();
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('whole.js');
  const before = (await client.modules()).find((m) => m.file === file);
  assert.ok(before, 'whole.js is a hot module');

  assert.equal((await client.warm(file)).warmed, false);
  assert.deepEqual(await topLevelRuns(app), { counter: 1, whole: 1 }, 'its top level did not run again');
  assert.deepEqual(
    (await client.modules()).find((m) => m.file === file),
    before,
  );

  await assert.rejects(client.warm(app.file('nowhere.js')), (error: unknown) => {
    assert.ok(error instanceof AgentError);
    assert.equal(error.code, -32010);
    assert.match(error.message, /nowhere\.js/);
    return true;
  });
});

test("opening a hot module in the editor warms its first save; a save right after waits for this side's part and loads", async () => {
  const app = await startApp();
  const { lsp, file, original: text } = await openInServer(app, 'counter.js');

  const report = await lsp.save(file, text.replace('`hits: ${n}`', '`hits saved: ${n}`'));

  assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
  assert.ok(
    lsp.log.some((line) =>
      /warmed counter\.js for its first save in \d+ ms \(\d+ ms in pid \d+, [1-9]\d* rounds( and \d+ on a slice)?\)/.test(
        line,
      ),
    ),
    lsp.log.join('\n'),
  );
  assert.equal(await app.get('/count'), 'hits saved: 1');
  assert.deepEqual(await topLevelRuns(app), { counter: 1, whole: 1 });
  assert.equal(countLines(app), 1);
});
