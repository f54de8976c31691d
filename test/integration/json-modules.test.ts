/**
 * A JSON file the app requires is a hot module (protocol/json-modules.ts): a save of it loads
 * as a save of any module does, through the CLI and the language server; what reads it sees the
 * new values, a copy an importer took at startup is made again, and a file that is not JSON
 * loads nothing and says where it is wrong.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { LspSession } from '../helpers/lsp';
import { nodeRuntimes, type NodeRuntime } from '../helpers/paths';
import { scratchFiles } from '../helpers/scratch';

const APP = `const http = require('node:http');
const config = require('./config.json');
const { greeting } = require('./config.json');
const messages = require('./messages.json');

http
  .createServer((req, res) => {
    res.end(JSON.stringify({ greeting: config.greeting, copied: greeting, page: config.limits.page, bye: messages.bye }));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`;

async function jsonApp(runtime?: NodeRuntime): Promise<App> {
  const fixture = scratchFiles('json-modules', {
    'package.json': '{ "name": "json-modules", "private": true }',
    'app.js': APP,
    'config.json': '{\n  "greeting": "hello",\n  "limits": { "page": 10 }\n}\n',
    'messages.json': '{ "bye": "goodbye" }\n',
  });
  const app = await App.start('cjs', { fixture, runtime, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  return app;
}

for (const runtime of nodeRuntimes()) {
  test(`Node ${runtime.major}: hotpatch load of a required JSON file: its readers see the new values; a broken one loads nothing and says where`, async () => {
    const app = await jsonApp(runtime);
    const read = async (): Promise<Record<string, unknown>> => JSON.parse(await app.get('/'));
    assert.deepEqual(await read(), { greeting: 'hello', copied: 'hello', page: 10, bye: 'goodbye' });
    const listed = await runCli(['ls'], app.discoveryDir);
    assert.match(listed.stdout, /config\.json {2}\[cjs\]/);

    const config = app.file('config.json');
    writeFileSync(config, readFileSync(config, 'utf8').replace('"hello"', '"howdy"').replace('10', '25'));
    const loaded = await runCli(['load', config], app.discoveryDir);
    assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
    assert.match(loaded.stdout, /✓ .*config\.json: vsn/);
    assert.deepEqual(await read(), { greeting: 'howdy', copied: 'howdy', page: 25, bye: 'goodbye' });

    writeFileSync(config, readFileSync(config, 'utf8').replace('"howdy",', '"hi"'));
    const broken = await runCli(['load', config], app.discoveryDir);
    assert.equal(broken.code, 1, broken.stdout + broken.stderr);
    assert.match(broken.stderr, /config\.json:3:3: Expected ',' or '}' after property value/);
    assert.deepEqual(await read(), { greeting: 'howdy', copied: 'howdy', page: 25, bye: 'goodbye' }, 'untouched');
  });
}

test('a save of a required JSON file in the editor loads it', async () => {
  const app = await jsonApp();
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const messages = app.file('messages.json');
  await lsp.waitForModule(messages);
  await lsp.open(messages, readFileSync(messages, 'utf8'));
  const text = '{ "bye": "see you" }\n';
  writeFileSync(messages, text);
  const report = await lsp.save(messages, text);
  assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
  assert.equal(JSON.parse(await app.get('/')).bye, 'see you');
});

test('a JSON file whose data the app has changed since it loaded it keeps that data at a save of the file, and says so', async () => {
  const fixture = scratchFiles('json-store', {
    'package.json': '{ "name": "json-store", "private": true }',
    'app.js': `const http = require('node:http');
const store = require('./notes.json');

http
  .createServer((req, res) => {
    const note = new URL(req.url, 'http://localhost').searchParams.get('add');
    if (note) store.notes.push(note);
    res.end(JSON.stringify(store));
  })
  .listen(0, '127.0.0.1', function () {
    console.log('LISTENING ' + this.address().port);
  });
`,
    'notes.json': '{ "notes": ["seed"] }\n',
  });
  const app = await App.start('cjs', { fixture, args: ['-r', 'hotpatch-agent/register', 'app.js'] });
  after(() => app.stop());
  assert.deepEqual(JSON.parse(await app.get('/?add=mine')), { notes: ['seed', 'mine'] });

  const file = app.file('notes.json');
  writeFileSync(file, '{ "notes": ["seed", "another seed"] }\n');
  const loaded = await runCli(['load', file], app.discoveryDir);
  assert.equal(loaded.code, 0, loaded.stdout + loaded.stderr);
  assert.match(loaded.stdout, /⚠ .*notes\.json: vsn/);
  assert.match(loaded.stdout, /module\.exports keeps its running value: .*the app has changed module\.exports since/);
  assert.deepEqual(JSON.parse(await app.get('/')), { notes: ['seed', 'mine'] }, 'what the app added is not lost');
});
