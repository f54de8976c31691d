/**
 * `hotpatch load --migrate`: a load refused because a state type changed without a codeChange
 * says it can write one; with the flag it writes the stub the editor's "Generate migration"
 * writes into the file, says where, and loads it with the release: the running state converted,
 * the new field given its default. A real app (TypeScript compiled by tsc, the agent via -r)
 * and the real CLI.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';

test('a private field changes type: load refuses and names --migrate; load --migrate writes the codeChange and converts the live instance', async () => {
  const app = await App.start('ts-cjs', { fixture: 'ts-holders' });
  after(() => app.stop());
  await app.get('/notes/add?text=first');
  await app.get('/notes/add?text=second');
  const serviceFile = app.file('src/notes.service.ts');
  const pinned = readFileSync(serviceFile, 'utf8')
    .replace('  text: string;\n}', '  text: string;\n  pinned: boolean;\n}')
    .replace('this.#notes.push({ text });', 'this.#notes.push({ text, pinned: false });')
    .replace('(note) => note.text', '(note) => `${note.text}:${note.pinned}`');
  writeFileSync(serviceFile, pinned);

  const refused = await runCli(['load', serviceFile], app.discoveryDir);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /NotesService\.#notes: Note\[\] changed since v1 .*: \+ pinned: boolean/);
  assert.match(refused.stderr, /or load again with --migrate, which writes one/);
  assert.equal(readFileSync(serviceFile, 'utf8'), pinned, 'a load without the flag writes nothing');
  assert.deepEqual(JSON.parse(await app.get('/notes')), ['first', 'second'], 'nothing loaded');

  const migrated = await runCli(['load', '--migrate', serviceFile], app.discoveryDir);
  assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
  const written = readFileSync(serviceFile, 'utf8');
  const line = /wrote a codeChange migration into .*notes\.service\.ts:(\d+) /.exec(migrated.stdout)?.[1];
  assert.ok(line, migrated.stdout);
  assert.match(written.split('\n')[Number(line) - 1]!, /codeChange\(/, 'the line said is where the stub starts');
  assert.match(written, /'#notes': fields\['#notes'\]\.map/);
  assert.match(migrated.stdout, /✓ .*notes\.service\.js: vsn /);
  assert.deepEqual(JSON.parse(await app.get('/notes')), ['first:false', 'second:false']);
  assert.equal(await app.get('/notes/add?text=third'), '3', 'the count kept in #added');
});

test("a server's second state change, with the first migration's codeChange in the file: load refuses (and holds back the release's other file) with the agent's reason; --migrate writes the new codeChange in its place and loads both", async () => {
  const app = await App.startExample();
  after(() => app.stop());
  await app.get('/?name=ann');
  const visitsFile = app.file('src/visits.ts');
  const greetingFile = app.file('src/greeting.ts');
  app.edit('src/visits.ts', (text) =>
    text
      .replace('  history: string[];\n}', '  history: string[];\n  since: string;\n}')
      .replace('init: () => ({ count: 0, history: [] }),', "init: () => ({ count: 0, history: [], since: 'start' }),")
      .replace('const next = { count: state.count + 1,', 'const next = { ...state, count: state.count + 1,'),
  );
  const first = await runCli(['load', '--migrate', visitsFile], app.discoveryDir);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'], since: '' });

  // The state gains `tag`; the codeChange in the file is the first migration's. Saved with another file.
  app.edit('src/visits.ts', (text) =>
    text
      .replace('  since: string;\n}', '  since: string;\n  tag: string;\n}')
      .replace("since: 'start' }),", "since: 'start', tag: 'new' }),"),
  );
  app.edit('src/greeting.ts', (text) => text.replace('Hello, ', 'Howdy, '));
  const refused = await runCli(['load', visitsFile, greetingFile], app.discoveryDir);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(
    refused.stderr,
    /State changed since v1 .*: \+ tag: string \(the codeChange in the file is v1's own: codeChange returned state\.tag: missing\)/,
  );
  assert.match(refused.stderr, /greeting\.ts: not loaded: it is one release with .*visits\.ts, which cannot load/);
  assert.equal(await app.get('/greet?name=bo'), 'Hello, bo!\n', 'the release loaded nothing');
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'], since: '' });

  const migrated = await runCli(['load', '--migrate', visitsFile, greetingFile], app.discoveryDir);
  assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
  const written = readFileSync(visitsFile, 'utf8');
  assert.equal(written.match(/codeChange\(/g)?.length, 1, written);
  assert.doesNotMatch(written, /StateV1\b/, "the first migration's old type went with it");
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'], since: '', tag: '' });
  assert.equal(await app.get('/greet?name=bo'), 'Howdy, bo!\n');
});
