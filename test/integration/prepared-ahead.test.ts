/**
 * A save prepared while the user types (engine/prepared-ahead.ts, agent/prepare's `ahead`):
 * through the real language server and two real instances of an app. A version that only gives
 * functions new bodies is prepared in both once typing pauses, runs nothing there, and its save
 * only commits; a version that would run the app's code is refused ahead by the agent and
 * prepared at its save; a plan prepared against a version another client replaced since is not
 * taken, and the save loads what was saved.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { waitFor } from '../helpers/wait';
import * as ext from '../../extension/src/shared/lsp-extensions';

test('a save of a version that only changes function bodies is prepared ahead in every instance, and only committed', async () => {
  const first = await App.start('cjs');
  after(() => first.stop());
  const second = await App.start('cjs', { instanceOf: first });
  after(() => second.stop());
  const lsp = await LspSession.start(first.discoveryDir);
  after(() => lsp.stop());
  const readings: ext.ReadAheadParams[] = [];
  lsp.connection.onNotification(ext.readAhead, (params) => void readings.push(params));
  const file = first.file('greeting.js');
  await lsp.waitForModule(file, 2);
  const original = readFileSync(file, 'utf8');
  await lsp.open(file, original);
  const typed = async (text: string): Promise<ext.ReadAheadParams> => {
    const before = readings.length;
    await lsp.change(file, text);
    await waitFor('the reading of the typed text', () => readings.length > before);
    return readings.at(-1)!;
  };
  const saying = (word: string): string => original.replace('`hello, ${name}`', `\`${word}, \${name}\``);
  const both = async (path: string): Promise<string[]> => [await first.get(path), await second.get(path)];

  // A function's new body: prepared in both instances while typing paused, nothing of it running.
  const reading = await typed(saying('hi'));
  assert.equal(reading.prepared, true, JSON.stringify(reading));
  assert.deepEqual(await both('/greet?name=ann'), ['hello, ann', 'hello, ann'], 'a plan prepared ahead ran nothing');
  const saved = await lsp.save(file, saying('hi'));
  assert.equal(saved.outcome, 'loaded', saved.lines.join('\n'));
  const aheadLines = saved.lines.filter((line) => line.includes('prepare '));
  assert.equal(aheadLines.length, 2, saved.lines.join('\n'));
  for (const line of aheadLines) assert.match(line, /\(prepared ahead\)/);
  assert.deepEqual(await both('/greet?name=ann'), ['hi, ann', 'hi, ann']);

  // A version whose top level runs (a statement added): the agents refuse it ahead, and its
  // save prepares it, with the statement run once, at the save.
  const withStatement = `${saying('hey')}\nexports.loads = (exports.loads ?? 0) + 1;\n`;
  const refused = await typed(withStatement);
  assert.equal(refused.prepared, false, JSON.stringify(refused));
  assert.deepEqual(
    refused.agents.map((a) => a.read),
    [true, true],
  );
  assert.deepEqual(await both('/greet?name=bob'), ['hi, bob', 'hi, bob'], 'the refused plan ran nothing');
  const ran = await lsp.save(file, withStatement);
  assert.equal(ran.outcome, 'loaded', ran.lines.join('\n'));
  assert.ok(!ran.lines.some((line) => line.includes('prepared ahead')), ran.lines.join('\n'));
  // Refused before it took the reading: the save's prepare takes it (and its patch) as before.
  const prepareLines = ran.lines.filter((line) => line.includes('prepare '));
  assert.equal(prepareLines.length, 2, ran.lines.join('\n'));
  for (const line of prepareLines) assert.match(line, /\(read and patched ahead\)/);
  assert.deepEqual(await both('/greet?name=bob'), ['hey, bob', 'hey, bob']);
});

test('a plan prepared against a version another client replaced is not taken: the save loads what was saved', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const readings: ext.ReadAheadParams[] = [];
  lsp.connection.onNotification(ext.readAhead, (params) => void readings.push(params));
  const file = app.file('greeting.js');
  await lsp.waitForModule(file);
  const original = readFileSync(file, 'utf8');
  await lsp.open(file, original);
  const saying = (word: string): string => original.replace('`hello, ${name}`', `\`${word}, \${name}\``);

  await lsp.change(file, saying('hi'));
  await waitFor('the reading of the typed text', () => readings.length > 0);
  assert.equal(readings[0]!.prepared, true, JSON.stringify(readings[0]));
  // Another client (a CLI, a second editor) loads its own version meanwhile.
  const other = await app.connect();
  after(() => other.close());
  const plan = await other.prepare({ modules: [{ file, code: saying('howdy'), origin: 'cli' }] });
  assert.ok(plan.ok, JSON.stringify(plan.errors));
  await other.commit(plan.id);
  assert.equal(await app.get('/greet?name=ann'), 'howdy, ann');
  await waitFor('the language server to know of the other load', async () => {
    const { agents } = await lsp.connection.sendRequest(ext.treeRequest);
    return agents.some((a) => a.modules.some((m) => m.file === file && m.current.origin === 'cli'));
  });

  const saved = await lsp.save(file, saying('hi'));
  assert.equal(saved.outcome, 'loaded', saved.lines.join('\n'));
  assert.ok(!saved.lines.some((line) => line.includes('prepared ahead')), saved.lines.join('\n'));
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann', 'the text saved runs');
});
