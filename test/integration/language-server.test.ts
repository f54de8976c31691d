/**
 * The real language server over stdio with a real LSP client connection, against real app
 * processes: a save makes new code live; one save patches every running instance or none.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import {
  migrationPreviewRequest,
  processStateRequest,
  purgeRequest,
  rollbackRequest,
  sourceRequest,
  treeRequest,
} from '../../extension/src/shared/lsp-extensions';
import { pathToFileURL } from 'node:url';
import { typeErrors } from '../helpers/state-types';
import { LspSession } from '../helpers/lsp';
import { openInServer } from '../helpers/open-in-server';
import { waitFor } from '../helpers/wait';
import { tmpRoot } from '../helpers/paths';
import { TcpProxy } from '../helpers/tcp-proxy';

/** The example app after `visitors` visited, the language server on it, and its src/visits.ts open. */
async function exampleWithVisitsOpen(...visitors: string[]) {
  const app = await App.startExample();
  after(() => app.stop());
  for (const name of visitors) await app.get(`/?name=${name}`);
  return { app, ...(await openInServer(app, 'src/visits.ts')) };
}

/** visits.ts whose State gains `since: string` (set to `initial` by init, kept by handleCall): a state type change. */
function addSinceField(source: string, initial = 'startup'): string {
  const changed = source
    .replace('  history: string[];\n}', '  history: string[];\n  since: string;\n}')
    .replace(
      'init: () => ({ count: 0, history: [] }),',
      `init: () => ({ count: 0, history: [], since: '${initial}' }),`,
    )
    .replace('const next = { count: state.count + 1,', 'const next = { ...state, count: state.count + 1,');
  assert.notEqual(changed, source);
  return changed;
}

test('save → new code live, through source maps (TS compiled to CJS)', async () => {
  const app = await App.start('ts-cjs');
  after(() => app.stop());
  const { lsp, file } = await openInServer(app, 'src/greeting.ts');

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

  // Saving again without a change (an auto-save) loads nothing: the old version stays useful.
  const again = await lsp.save(file, text);
  assert.equal(again.outcome, 'unchanged', again.lines.join('\n'));
  const client = await app.connect();
  after(() => client.close());
  const greeting = (await client.modules()).find((m) => m.sources.includes(file));
  assert.deepEqual([greeting?.current.seq, greeting?.old?.seq], [2, 1]);
});

test('a syntax error is not loaded and becomes a diagnostic', async () => {
  const app = await App.start('tsx');
  after(() => app.stop());
  const { lsp, file } = await openInServer(app, 'src/greeting.ts');
  const report = await lsp.save(file, 'export function greet(name: string {\n');
  assert.equal(report.outcome, 'syntaxError');
  const diagnostics = lsp.diagnostics.get(report.uri)?.diagnostics ?? [];
  assert.equal(diagnostics.length, 1);
  assert.match(String(diagnostics[0]!.message), /Not hot-loaded: .*greeting\.ts:1:\d+: Expected/);
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann');
});

test('a JavaScript file sent as it is, with a syntax error: checked beside the prepare, aborted, a diagnostic at its place; the fix loads', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const { lsp, file, original } = await openInServer(app, 'greeting.js');

  const broken = await lsp.save(file, original.replace('return `hello, ${name}`;', 'return `hi, ${name}`;\n  if (;'));

  assert.equal(broken.outcome, 'syntaxError', broken.lines.join('\n'));
  const diagnostics = lsp.diagnostics.get(broken.uri)?.diagnostics ?? [];
  assert.equal(diagnostics.length, 1);
  assert.match(String(diagnostics[0]!.message), /Not hot-loaded: .*greeting\.js:4:\d+: /);
  assert.equal(diagnostics[0]!.range.start.line, 3, 'on the line of the error');
  assert.equal(await app.get('/greet?name=ann'), 'hello, ann', 'the running code is unchanged');

  const fixed = await lsp.save(file, original.replace('hello', 'hi'));
  assert.equal(fixed.outcome, 'loaded', fixed.lines.join('\n'));
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');
  const client = await app.connect();
  after(() => client.close());
  const greeting = (await client.modules()).find((m) => m.file === file);
  assert.deepEqual([greeting?.current.seq, greeting?.old?.seq], [2, 1], 'the aborted plan made no version');
});

test('a top level that throws: not loaded, one error diagnostic on the line that threw (two instances), cleared by the next good save', async () => {
  const first = await App.start('ts-cjs');
  after(() => first.stop());
  const second = await App.start('ts-cjs', { instanceOf: first });
  after(() => second.stop());
  const { lsp, file, original } = await openInServer(first, 'src/greeting.ts', 2);

  const throwing = `${original}\nthrow new Error('not yet');\n`;
  const line = throwing.split('\n').indexOf("throw new Error('not yet');");
  writeFileSync(file, throwing);
  const failed = await lsp.save(file, throwing);
  assert.equal(failed.outcome, 'failed', failed.lines.join('\n'));
  const diagnostics = lsp.diagnostics.get(failed.uri)?.diagnostics ?? [];
  assert.deepEqual(
    diagnostics.map((d) => [d.range.start.line, d.severity, d.code, d.message]),
    [[line, 1, 'load-failed', 'Not hot-loaded: top level threw: not yet']],
  );
  assert.deepEqual([await first.get('/greet?name=a'), await second.get('/greet?name=a')], ['hello, a', 'hello, a']);

  const fixed = original.replace("vsn = '1'", "vsn = '2'").replace('hello', 'hej');
  writeFileSync(file, fixed);
  const loaded = await lsp.save(file, fixed);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.deepEqual(lsp.diagnostics.get(loaded.uri)?.diagnostics, []);
  assert.deepEqual([await first.get('/greet?name=a'), await second.get('/greet?name=a')], ['hej, a', 'hej, a']);
});

test('a save while an app is still being connected to waits for it, then loads into it', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  // The agent is reached through a proxy that holds the connection until the save is waiting.
  const proxy = await TcpProxy.start(Number(new URL(app.record.url).port));
  after(() => proxy.close());
  proxy.hold();
  const emptyDiscovery = mkdtempSync(join(tmpRoot, 'no-agents-'));
  after(() => rmSync(emptyDiscovery, { recursive: true, force: true }));
  const lsp = await LspSession.start(emptyDiscovery, { agents: [{ url: proxy.url, token: app.record.token }] });
  after(() => lsp.stop());
  await waitFor('the agent being connected to', async () => {
    const { agents } = await lsp.connection.sendRequest(treeRequest);
    return agents[0]?.state === 'connecting';
  });

  const file = app.file('greeting.js');
  const text = readFileSync(file, 'utf8');
  await lsp.open(file, text);
  const next = text.replace('hello', 'hej').replace("vsn = '1'", "vsn = '2'");
  writeFileSync(file, next);
  const saved = lsp.save(file, next);
  saved.catch(() => {}); // awaited below, unless the wait before fails first
  await waitFor('the save to wait for the agent', () => lsp.log.some((l) => /waiting for .* to connect/.test(l)));
  proxy.release();
  const report = await saved;
  assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
  assert.equal(await app.get('/greet?name=ann'), 'hej, ann');
});

test('two agents patched in one transaction; with one failing prepare, neither changes', async () => {
  const first = await App.start('cjs');
  after(() => first.stop());
  // A second instance of the same files (as cluster workers are), which refuses one version.
  const second = await App.start('cjs', { instanceOf: first, env: { REFUSE_VERSION: '3' } });
  after(() => second.stop());
  const { lsp, file } = await openInServer(first, 'greeting.js', 2);

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

test('a state type change without codeChange: diagnostic and prompt, app untouched; the code action writes a migration that type-checks; saving it migrates the running state', async () => {
  const { app, lsp, file, original } = await exampleWithVisitsOpen('ann', 'bob');

  // The state gains a field; no codeChange yet.
  const changed = addSinceField(original);
  lsp.answer = () => null; // the user dismisses the prompt
  const refused = await lsp.save(file, changed);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));
  assert.match(refused.lines[0]!, /^State changed since v1 running in counter-app \(pid \d+\): \+ since: string$/);
  const diagnostic = (lsp.diagnostics.get(refused.uri)?.diagnostics ?? []).find((d) => d.code === 'state-changed');
  assert.ok(diagnostic, 'a diagnostic on the State type');
  assert.equal(changed.split('\n')[diagnostic.range.start.line]!.includes('interface State'), true);
  await waitFor('the migration prompt', () => lsp.prompts.length === 1);
  assert.deepEqual(
    lsp.prompts[0]!.actions?.map((a) => a.title),
    ['Generate migration', 'Load and restart processes', 'Cancel'],
  );
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 2, history: ['ann', 'bob'] }, 'app untouched');

  // The code action writes a typed codeChange stub; the file then type-checks.
  const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: refused.uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.equal(actions[0]!.title, 'Generate codeChange migration from v1');
  const document = TextDocument.create(refused.uri, 'typescript', 1, changed);
  const migrated = TextDocument.applyEdits(document, actions[0]!.edit!.changes![refused.uri]!);
  assert.match(migrated, /type StateV1 = \{/);
  assert.match(migrated, /codeChange\(/);
  assert.deepEqual(typeErrors({ [file]: migrated }, file), []);

  // Saving the migration upgrades the running process with its state converted.
  writeFileSync(file, migrated);
  const loaded = await lsp.save(file, migrated);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.match(loaded.lines[0]!, /1 processes migrated/);
  assert.deepEqual(lsp.diagnostics.get(loaded.uri)?.diagnostics, [], 'the diagnostic is cleared');
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 2, history: ['ann', 'bob'], since: '' });
  assert.match(await app.get('/?name=cy'), /visit 3/);
});

test('choosing "Generate migration" in the prompt writes the codeChange stub and reveals it; nothing is loaded', async () => {
  const { app, lsp, file, original } = await exampleWithVisitsOpen('ann');
  const changed = addSinceField(original);
  lsp.answer = (params) => params.actions?.find((a) => a.title === 'Generate migration') ?? null;
  const refused = await lsp.save(file, changed);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));

  await waitFor('the stub revealed', () => lsp.shownDocuments.length === 1);
  assert.equal(lsp.appliedEdits.length, 1);
  const edits = lsp.appliedEdits[0]!.edit.changes![refused.uri]!;
  const migrated = TextDocument.applyEdits(TextDocument.create(refused.uri, 'typescript', 1, changed), edits);
  assert.match(migrated, /codeChange\(/);
  const shown = lsp.shownDocuments[0]!;
  assert.equal(shown.uri, refused.uri);
  assert.equal(shown.takeFocus, true);
  // The selection is the codeChange stub where it now stands (below the StateV1 type written above it).
  const selected = TextDocument.create(refused.uri, 'typescript', 2, migrated).getText(shown.selection);
  assert.match(selected, /codeChange\(/, `the selection:\n${selected}`);
  assert.equal(selected, edits.find((e) => e.newText.includes('codeChange('))?.newText);
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'] }, 'app untouched');
});

/** The code action's edits for `diagnostic` applied to `text`: what "Generate migration" writes. */
async function migrationWritten(lsp: LspSession, uri: string, text: string, diagnostic: Diagnostic): Promise<string> {
  const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as CodeAction[];
  assert.equal(actions.length, 1, JSON.stringify(actions));
  return TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 1, text), actions[0]!.edit!.changes![uri]!);
}

/** A text with `since` (addSinceField) whose State also gains `tag: string`, 'new' at init. */
function addTagField(source: string): string {
  const changed = source
    .replace('  since: string;\n}', '  since: string;\n  tag: string;\n}')
    .replace("since: 'startup' }),", "since: 'startup', tag: 'new' }),");
  assert.notEqual(changed, source);
  return changed;
}

/** The first change (addSinceField) saved, its "Generate migration" applied and loaded: the migrated text. */
async function firstMigrationLoaded(lsp: LspSession, file: string, original: string): Promise<string> {
  lsp.answer = () => null;
  const first = addSinceField(original);
  const refused = await lsp.save(file, first);
  const diagnostic = lsp.diagnostics.get(refused.uri)?.diagnostics.find((d) => d.code === 'state-changed');
  assert.ok(diagnostic, refused.lines.join('\n'));
  const migrated = await migrationWritten(lsp, refused.uri, first, diagnostic);
  writeFileSync(file, migrated);
  assert.equal((await lsp.save(file, migrated)).outcome, 'loaded');
  return migrated;
}

test("a second state change: the running version's codeChange, written for the first, fails the dry run; the save asks for a migration that replaces it, and the app is untouched until it loads", async () => {
  const { app, lsp, file, original } = await exampleWithVisitsOpen('ann');
  const migrated = await firstMigrationLoaded(lsp, file, original);
  const stateChanged = (uri: string) => lsp.diagnostics.get(uri)?.diagnostics.find((d) => d.code === 'state-changed');

  // The state gains `tag`; the codeChange in the file is v1's, which converts to a state without it.
  const second = addTagField(migrated);
  writeFileSync(file, second);
  const again = await lsp.save(file, second);
  assert.equal(again.outcome, 'migrationNeeded', again.lines.join('\n'));
  assert.match(
    again.lines[0]!,
    /^State changed since v1 running in counter-app \(pid \d+\): \+ tag: string \(the codeChange in the file is v1's own: codeChange returned state\.tag: missing\)$/,
  );
  const diagnostic = stateChanged(again.uri);
  assert.ok(diagnostic, 'a diagnostic on the State type, not a load failure at the top of the file');
  assert.equal(second.split('\n')[diagnostic.range.start.line]!.includes('interface State'), true);
  await waitFor('the migration prompt', () => lsp.prompts.length === 2);
  assert.deepEqual(
    lsp.prompts[1]!.actions?.map((a) => a.title),
    ['Generate migration', 'Load and restart processes', 'Cancel'],
  );
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'], since: '' }, 'app untouched');

  // The new codeChange takes the old one's place; the old type only that one named goes with it.
  const replaced = await migrationWritten(lsp, again.uri, second, diagnostic);
  assert.equal(replaced.match(/codeChange\(/g)?.length, 1, replaced);
  assert.doesNotMatch(replaced, /StateV1\b/, replaced);
  assert.match(replaced, /type StateV2 = \{/);
  assert.deepEqual(typeErrors({ [file]: replaced }, file), []);
  writeFileSync(file, replaced);
  const loaded = await lsp.save(file, replaced);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.deepEqual(lsp.diagnostics.get(loaded.uri)?.diagnostics, [], 'the diagnostic is cleared');
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'], since: '', tag: '' });
});

test("in a module of two servers, whose states the agent cannot check, the running version's codeChange asks for a migration before anything loads", async () => {
  const { app, lsp, file, original } = await exampleWithVisitsOpen('ann');
  const migrated = await firstMigrationLoaded(lsp, file, original);

  // `tag` added, and a second server in the module: one shape per module is all the agent checks.
  const second =
    addTagField(migrated) +
    "\nexport const tally = defineServer<{ n: number }, { type: 'add' }, number>({\n  init: () => ({ n: 0 }),\n  handleCall: (_message, state) => ({ reply: state.n + 1, state: { n: state.n + 1 } }),\n});\n";
  writeFileSync(file, second);
  const asked = await lsp.save(file, second);
  assert.equal(asked.outcome, 'migrationNeeded', asked.lines.join('\n'));
  assert.match(
    asked.lines[0]!,
    /\+ tag: string \(the codeChange in the file is v1's own: with more than one server in the module, what it returns is not checked\)$/,
  );
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 1, history: ['ann'], since: '' }, 'app untouched');
});

test('a codeChange that converts any earlier state is left to do so: a second change loads through it, no migration asked', async () => {
  const { app, lsp, file, original } = await exampleWithVisitsOpen('ann');
  // Written by the user for the first change: new fields from defaults, the rest kept.
  const generic = addSinceField(original).replace(
    '  handleCall(message, state) {',
    "  codeChange: (_from, state) => ({ since: 'migrated', tag: 'none', ...(state as object) }) as State,\n  handleCall(message, state) {",
  );
  writeFileSync(file, generic);
  assert.equal((await lsp.save(file, generic)).outcome, 'loaded');
  const second = addTagField(generic);
  writeFileSync(file, second);
  const loaded = await lsp.save(file, second);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.deepEqual(JSON.parse(await app.get('/visits')), {
    count: 1,
    history: ['ann'],
    since: 'migrated',
    tag: 'none',
  });
});

for (const kind of ['esm', 'tsx'] as const) {
  test(`${kind}: save → new code live through the ES module facade`, async () => {
    const app = await App.start(kind);
    after(() => app.stop());
    const { lsp, file, original: text } = await openInServer(app, kind === 'esm' ? 'greeting.mjs' : 'src/greeting.ts');
    const next = text.replace('hello', 'hej').replace("vsn = '1'", "vsn = '2'");
    writeFileSync(file, next);
    const report = await lsp.save(file, next);
    assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
    assert.equal(await app.get('/greet?name=ann'), 'hej, ann');
  });
}

test('custom messages: migration preview, process state, a version’s source, rollback, soft purge', async () => {
  const app = await App.start('cjs', { fixture: 'servers' });
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const file = app.file('counter.js');
  await lsp.waitForModule(file);
  const pid = app.child.pid!;
  await app.get('/call?name=counter-0&msg=' + encodeURIComponent('{"op":"inc"}'));
  const v1 = readFileSync(file, 'utf8');
  await lsp.open(file, v1);
  const v2 = v1
    .replace("exports.vsn = '1';", "exports.vsn = '2';")
    .replace(
      'handleCall(message, state) {',
      "codeChange: (from, state) => (typeof from === 'object' ? { count: state.count, poison: state.poison } : { ...state, tag: 'v2' }),\n  handleCall(message, state) {",
    );
  const uri = pathToFileURL(file).href;

  const preview = await lsp.connection.sendRequest(migrationPreviewRequest, { uri });
  // The editor's buffer is still v1: preview what the open document would do after an edit.
  assert.equal(preview.plans.length, 1);
  assert.equal(preview.plans[0]!.modules[0]!.toVsn, '1');
  writeFileSync(file, v2);
  const loaded = await lsp.save(file, v2);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));

  const counter0 = (await lsp.connection.sendRequest(treeRequest)).agents[0]!.processes.find(
    (p) => p.name === 'counter-0',
  )!;
  const { state } = await lsp.connection.sendRequest(processStateRequest, { pid, process: counter0.id });
  assert.deepEqual(state, { count: 1, poison: false, tag: 'v2' });
  const { source } = await lsp.connection.sendRequest(sourceRequest, { pid, file, version: 'old' });
  assert.equal(source, v1);

  const rolledBack = await lsp.connection.sendRequest(rollbackRequest, { pid, file });
  assert.equal(rolledBack.outcome, 'loaded', rolledBack.lines.join('\n'));
  assert.deepEqual(JSON.parse(await app.get('/call?name=counter-0')), { count: 1, poison: false, vsn: '1' });
  const purged = await lsp.connection.sendRequest(purgeRequest, { pid, file, soft: true });
  assert.equal(purged.outcome, 'loaded', purged.lines.join('\n'));
  const unknown = await lsp.connection.sendRequest(purgeRequest, { pid: 1, file, soft: false });
  assert.equal(unknown.outcome, 'failed');
  assert.match(unknown.lines[0]!, /no connected agent with pid 1/);
});

test('"Load and restart processes": the new code loads and the processes restart fresh under their supervisor', async () => {
  const { app, lsp, file, original } = await exampleWithVisitsOpen('ann');
  const before = (await lsp.connection.sendRequest(treeRequest)).agents[0]!.processes.find((p) => p.name === 'visits')!;

  const changed = addSinceField(original.replace("vsn = '1'", "vsn = '2'"), 'fresh');
  lsp.answer = (params) => params.actions!.find((a) => a.title === 'Load and restart processes')!;
  const refused = await lsp.save(file, changed);
  assert.equal(refused.outcome, 'migrationNeeded');
  await waitFor('the restarted visits process on v2', async () => {
    const state = JSON.parse(await app.get('/visits')) as { since?: string };
    return state.since === 'fresh';
  });
  assert.deepEqual(JSON.parse(await app.get('/visits')), { count: 0, history: [], since: 'fresh' });
  const restarted = await waitFor('the tree to show the new process', async () =>
    (await lsp.connection.sendRequest(treeRequest)).agents[0]!.processes.find(
      (p) => p.name === 'visits' && p.id !== before.id,
    ),
  );
  assert.equal(restarted.vsn, '2');
});
