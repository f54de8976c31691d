/**
 * The real language server over stdio with a real LSP client connection, against real app
 * processes: a save makes new code live; one save patches every running instance or none.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { treeRequest } from '../../extension/src/shared/lsp-extensions';
import { LspSession } from '../helpers/lsp';
import { waitFor } from '../helpers/wait';

test('save → new code live, through source maps (TS compiled to CJS)', async () => {
  const app = await App.start('ts-cjs');
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const file = app.file('src/greeting.ts');
  await lsp.waitForModule(file);
  await lsp.open(file, readFileSync(file, 'utf8'));

  const text =
    "export const vsn = '2';\nexport function greet(name: string): string {\n  return `saved, ${name}`;\n}\n";
  writeFileSync(file, text);
  const report = await lsp.save(file, text).catch((error: Error) => {
    throw new Error(`${error.message}\nserver log: ${lsp.log.join('\n')}\nstderr: ${lsp.stderr}`);
  });
  assert.equal(report.outcome, 'loaded', report.lines.join('\n') + lsp.stderr);
  assert.ok(typeof report.ms === 'number' && report.ms > 0);
  assert.match(report.lines[0]!, /vsn 2 \(#2\) is current/);
  assert.equal(await app.get('/greet?name=ann'), 'saved, ann');
});

test('a syntax error is not loaded and becomes a diagnostic', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const file = app.file('src/greeting.ts');
  await lsp.waitForModule(file);
  await lsp.open(file, readFileSync(file, 'utf8'));
  const report = await lsp.save(file, 'export function greet(name: string {\n');
  assert.equal(report.outcome, 'syntaxError');
  const diagnostics = lsp.diagnostics.get(report.uri)?.diagnostics ?? [];
  assert.equal(diagnostics.length, 1);
  assert.match(String(diagnostics[0]!.message), /Not hot-loaded: .*greeting\.ts:1:\d+: Expected/);
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
});

test('two agents patched in one transaction; with one failing prepare, neither changes', async () => {
  const first = await App.start('cjs');
  after(() => first.stop());
  // A second instance of the same files (as cluster workers are), which refuses one version.
  const second = await App.start('cjs', { instanceOf: first, env: { REFUSE_VERSION: '3' } });
  after(() => second.stop());
  const lsp = await LspSession.start(first.discoveryDir);
  after(() => lsp.stop());
  const file = first.file('greeting.js');
  await waitFor('both agents', async () => (await lsp.connection.sendRequest(treeRequest)).agents.length === 2);
  await lsp.waitForModule(file);
  await lsp.open(file, readFileSync(file, 'utf8'));

  const v2 = "exports.vsn = '2';\nexports.greet = (name) => `both, ${name}`;\n";
  writeFileSync(file, v2);
  const loaded = await lsp.save(file, v2);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.equal(loaded.lines.length, 2, 'one line per agent');
  assert.deepEqual([await first.get('/greet?name=a'), await second.get('/greet?name=a')], ['both, a', 'both, a']);

  const v3 = [
    "exports.vsn = '3';",
    "if (process.env.REFUSE_VERSION === '3') throw new Error('this instance refuses vsn 3');",
    'exports.greet = (name) => `three, ${name}`;',
    '',
  ].join('\n');
  writeFileSync(file, v3);
  const refused = await lsp.save(file, v3);
  assert.equal(refused.outcome, 'failed');
  assert.match(refused.lines.join('\n'), /this instance refuses vsn 3/);
  assert.match(refused.lines.join('\n'), /not loaded: another instance failed to prepare/);
  assert.deepEqual([await first.get('/greet?name=a'), await second.get('/greet?name=a')], ['both, a', 'both, a']);
});
