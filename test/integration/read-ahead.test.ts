/**
 * An edited file's next version is read in the app while the user types (engine/read-ahead.ts,
 * agent/readAhead), and the save's prepare takes that reading. Through the real language server
 * and a real app: reading ahead changes nothing the app runs; a save of the text read ahead
 * says so and loads it, patch and all (a TypeScript file, compiled by the reading, is not compiled again); a save of other text (typed after the reading, formatted on save) reads
 * its own; code that does not parse is not kept, and its save reports the error as before.
 * A prepare names the reading in place of sending the code again, and one naming a reading
 * no longer kept is refused before anything is staged (the client then sends the code).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { AgentError } from 'hotpatch-extension/engine';
import { App, appKinds, type AppKind } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { RawRpc } from '../helpers/raw';
import { waitFor } from '../helpers/wait';
import * as ext from '../../extension/src/shared/lsp-extensions';
import { AgentErrorCode, type CommitResult, type ReadAheadResult, type UpgradePlan } from 'hotpatch-agent/protocol';

/** JSON-RPC's code for parameters that do not match the method's. */
const InvalidParams = -32602;

type ReadAheadParams = ext.ReadAheadParams;

for (const kind of Object.keys(appKinds) as AppKind[]) {
  test(`${kind}: a save takes the reading made while the user typed, and only for the text read`, async () => {
    const app = await App.start(kind);
    after(() => app.stop());
    const lsp = await LspSession.start(app.discoveryDir);
    after(() => lsp.stop());
    const readings: ReadAheadParams[] = [];
    lsp.connection.onNotification(ext.readAhead, (params) => void readings.push(params));
    await lsp.waitForModule(app.file(appKinds[kind].greeting));
    const file = app.file(appKinds[kind].edited);
    const original = readFileSync(file, 'utf8');
    await lsp.open(file, original);
    /** Types `text` and waits for the pause's reading in the app. */
    const typed = async (text: string): Promise<ReadAheadParams> => {
      const before = readings.length;
      await lsp.change(file, text);
      await waitFor('the reading of the typed text', () => readings.length > before);
      return readings.at(-1)!;
    };
    const prepareLine = (report: ext.PatchReport): string =>
      report.lines.find((line) => line.includes('prepare ')) ?? report.lines.join('\n');

    // Read ahead: nothing in the app changes until the save.
    const hi = original.replace('`hello, ${name}`', '`hi, ${name}`');
    const reading = await typed(hi);
    assert.deepEqual(
      reading.agents.map((a) => [a.pid, a.read]),
      [[app.child.pid, true]],
    );
    // A CommonJS version that only gives a function a new body is prepared too (prepared-ahead.ts).
    const esModule = kind === 'esm' || kind === 'tsx';
    assert.equal(reading.prepared, !esModule);
    assert.equal(await app.get('/greet?name=ann'), 'hello, ann', 'the reading ran nothing');
    const first = await lsp.save(file, hi);
    assert.equal(first.outcome, 'loaded', first.lines.join('\n'));
    assert.match(
      prepareLine(first),
      esModule ? /prepare [\d.]+ ms \(read and patched ahead\)/ : /prepare [\d.]+ ms \(prepared ahead\)/,
    );
    // TypeScript: the save takes the code its reading compiled, and compiles nothing.
    if (file.endsWith('.ts')) assert.match(prepareLine(first), /compile 0\.0 ms/);
    assert.equal(await app.get('/greet?name=ann'), 'hi, ann');

    // Typed on after the reading: the save is of other code, which it reads itself.
    await typed(hi.replace('`hi, ${name}`', '`hey, ${name}`'));
    const later = hi.replace('`hi, ${name}`', '`howdy, ${name}`');
    const second = await lsp.save(file, later);
    assert.equal(second.outcome, 'loaded', second.lines.join('\n'));
    assert.doesNotMatch(prepareLine(second), /read ahead/);
    assert.equal(await app.get('/greet?name=bob'), 'howdy, bob', 'the text saved runs, not the one read');

    // Half-typed code is not kept, and its save says what is wrong, as without the reading.
    const broken = later.replace('`howdy, ${name}`;', '`howdy, ${name}`; if (');
    const unread = await typed(broken);
    assert.deepEqual(
      unread.agents.map((a) => a.read),
      [false],
    );
    const third = await lsp.save(file, broken);
    assert.equal(third.outcome, 'syntaxError', third.lines.join('\n'));
    assert.equal(await app.get('/greet?name=cy'), 'howdy, cy');
  });
}

test('a patch built ahead is taken only while the version it patches still runs', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('store.js');
  const original = readFileSync(file, 'utf8');
  const counting = (step: number): string => original.replace('++hits', `(hits += ${step})`);
  assert.equal(await app.get('/hits'), '1');
  /** Prepares and commits `code`; the plan's timings. */
  const saved = async (code: string): Promise<UpgradePlan['timings']> => {
    const plan = await client.prepare({ modules: [{ file, code, origin: 'editor' }] });
    assert.ok(plan.ok, JSON.stringify(plan.errors));
    await client.commit(plan.id);
    return plan.timings;
  };

  // Read and patched ahead, then saved as it was: the prepare takes the patch as built.
  assert.equal((await client.readAhead(file, counting(10))).read, true);
  assert.equal(await app.get('/hits'), '2', 'the patch built ahead ran nothing');
  const ahead = await saved(counting(10));
  assert.equal(ahead.readAhead, 1);
  assert.equal(ahead.patchedAhead, 1);
  assert.equal(await app.get('/hits'), '12', 'the new code counts on from the kept state');

  // Another version became current after the reading: its patch is of a version no longer
  // running, so the prepare builds its own (the reading itself still serves).
  assert.equal((await client.readAhead(file, counting(100))).read, true);
  await saved(counting(1000));
  assert.equal(await app.get('/hits'), '1012');
  const stale = await saved(counting(100));
  assert.equal(stale.readAhead, 1);
  assert.equal(stale.patchedAhead, 0);
  assert.equal(await app.get('/hits'), '1112', 'the code saved runs, patched from the version running');
});

test('agent/readAhead refuses what it cannot read with an error, and the app serves on', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const client = await app.connect();
  after(() => client.close());
  const file = app.file('greeting.js');
  const code = readFileSync(file, 'utf8').replace('hello', 'hi');

  const unknown = await client.readAhead(app.file('nowhere.js'), code).then(
    () => assert.fail('a file the app does not run was read'),
    (error: unknown) => error,
  );
  assert.ok(unknown instanceof AgentError, String(unknown));
  assert.equal(unknown.code, AgentErrorCode.UnknownModule);
  assert.match(unknown.message, /nowhere\.js/);

  const raw = await RawRpc.open(app.record.url, app.record.token);
  after(() => raw.close());
  await raw.initialize();
  const malformed = await raw.request('agent/readAhead', { file, code: 42 });
  assert.equal(malformed.error?.code, InvalidParams, JSON.stringify(malformed));
  assert.match(malformed.error.message, /code/);

  assert.equal(
    (await client.readAhead(file, `${code}\nfunction (`)).read,
    false,
    'code that does not parse is not kept',
  );
  assert.equal((await client.readAhead(file, code)).read, true);
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann', 'nothing of the reading runs');
});

test('a prepare names the reading in place of the code; a reading no longer kept is refused, and the client sends the code', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const file = app.file('greeting.js');
  const original = readFileSync(file, 'utf8');
  const saying = (word: string): string => original.replace('`hello, ${name}`', `\`${word}, \${name}\``);
  const raw = await RawRpc.open(app.record.url, app.record.token);
  after(() => raw.close());
  await raw.initialize();
  const readAhead = async (code: string): Promise<number> => {
    const reply = await raw.request('agent/readAhead', { file, code });
    const result = reply.result as ReadAheadResult | undefined;
    assert.equal(result?.read, true, JSON.stringify(reply));
    assert.ok(Number.isInteger(result.reading) && result.reading! > 0, JSON.stringify(reply));
    return result.reading!;
  };
  const prepareReading = (reading: number) =>
    raw.request('agent/prepare', { modules: [{ file, readAhead: reading, origin: 'editor' }] });

  // The reading's number stands for its code: prepared, committed, running.
  const hi = await readAhead(saying('hi'));
  const prepared = await prepareReading(hi);
  const plan = prepared.result as UpgradePlan | undefined;
  assert.equal(plan?.ok, true, JSON.stringify(prepared));
  assert.equal(plan.timings.readAhead, 1);
  const committed = (await raw.request('agent/commit', { plan: plan.id })).result as CommitResult | undefined;
  assert.equal(committed?.modules.length, 1);
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');

  // Taken once: named again, it is refused, naming the file, and nothing changes.
  const taken = await prepareReading(hi);
  assert.equal(taken.error?.code, AgentErrorCode.ReadAheadGone, JSON.stringify(taken));
  assert.match(taken.error.message, /greeting\.js: its reading \d+ is no longer kept/);
  // Replaced by a later reading of the file: refused too.
  const hey = await readAhead(saying('hey'));
  await readAhead(saying('howdy'));
  assert.equal((await prepareReading(hey)).error?.code, AgentErrorCode.ReadAheadGone);
  assert.equal(await app.get('/greet?name=bob'), 'hi, bob', 'a refused prepare staged nothing');
  // Code and a reading both, or neither: the params are wrong.
  const both = await raw.request('agent/prepare', { modules: [{ file, code: saying('yo'), readAhead: hey }] });
  assert.equal(both.error?.code, InvalidParams, JSON.stringify(both));
  assert.match(both.error.message, /either code or readAhead/);

  // The engine's client sends the number for code it had read ahead, and the code when the
  // agent let that reading go (here another client's reading of the file replaced it).
  const client = await app.connect();
  after(() => client.close());
  const sent: unknown[] = [];
  const sendRequest = client.connection.sendRequest.bind(client.connection);
  client.connection.sendRequest = ((method: string, params: unknown, ...rest: unknown[]) => {
    if (method === 'agent/prepare') sent.push(params);
    return (sendRequest as (...args: unknown[]) => unknown)(method, params, ...rest);
  }) as typeof client.connection.sendRequest;
  const commit = async (code: string): Promise<UpgradePlan> => {
    const prepared = await client.prepare({ modules: [{ file, code, origin: 'editor' }] });
    assert.ok(prepared.ok, JSON.stringify(prepared.errors));
    await client.commit(prepared.id);
    return prepared;
  };
  assert.equal((await client.readAhead(file, saying('hallo'))).read, true);
  assert.equal((await commit(saying('hallo'))).timings.readAhead, 1);
  assert.deepEqual(
    sent.map((params) => Object.keys((params as { modules: object[] }).modules[0]!).sort()),
    [['file', 'origin', 'readAhead']],
    'the code read ahead is not sent again',
  );
  assert.equal(await app.get('/greet?name=cy'), 'hallo, cy');
  sent.length = 0;
  assert.equal((await client.readAhead(file, saying('ciao'))).read, true);
  await readAhead(saying('salut'));
  assert.equal((await commit(saying('ciao'))).timings.readAhead, 0);
  assert.deepEqual(
    sent.map((params) => 'code' in (params as { modules: object[] }).modules[0]!),
    [false, true],
    'the reading was gone: sent again with the code',
  );
  assert.equal(await app.get('/greet?name=dee'), 'ciao, dee');
});
