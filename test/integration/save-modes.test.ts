/**
 * Which saves the real language server loads, and how they go together (over stdio, against
 * real apps): a Save All is one transaction, all or nothing; auto-saves load only when asked;
 * `hotpatch.loadOnSave` never / manual / all / allIfDirty (and its old booleans); a failed load
 * is a diagnostic and a report, with a notification only when asked.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocumentSaveReason } from 'vscode-languageserver-protocol';
import { loadRequest, treeRequest } from '../../extension/src/shared/lsp-extensions';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';

/** The cjs fixture app with greeting.js and store.js open in a language server with `settings`. */
async function appWithTwoFilesOpen(settings: Record<string, unknown> = {}) {
  const app = await App.start('cjs');
  after(() => app.stop());
  const lsp = await session(app, settings);
  const greeting = app.file('greeting.js');
  const store = app.file('store.js');
  await lsp.waitForModule(store);
  return { app, lsp, greeting, store };
}

async function session(app: App, settings: Record<string, unknown>): Promise<LspSession> {
  const lsp = await LspSession.start(app.discoveryDir, settings);
  after(() => lsp.stop());
  await lsp.waitForModule(app.file('greeting.js'));
  for (const file of [app.file('greeting.js'), app.file('store.js')]) await lsp.open(file, readFileSync(file, 'utf8'));
  return lsp;
}

const greetingV = (vsn: string, word: string) =>
  `exports.vsn = '${vsn}';\nexports.greet = (name) => \`${word}, \${name}\`;\n`;
/** store.js with its counter kept (an unchanged declaration) and a new `hit`. */
const storeV = (step: number, extra = '') =>
  `// Module-level state that must survive loads of other modules.\nlet hits = 0;\n${extra}exports.hit = () => (hits += ${step});\n`;

/** Writes the files to disk (as the editor's save does) and saves them together. */
async function saveAll(lsp: LspSession, files: Record<string, string>) {
  for (const [file, text] of Object.entries(files)) writeFileSync(file, text);
  return lsp.saveAll(Object.entries(files).map(([file, text]) => ({ file, text })));
}

/** Every prompt or notification the server sent before it answered a request sent now. */
async function notificationsSoFar(lsp: LspSession) {
  await lsp.connection.sendRequest(treeRequest);
  return lsp.prompts.map((p) => p.message);
}

test('a Save All of two files is one transaction: both go live together, or, when one cannot load, neither does', async () => {
  const { app, lsp, greeting, store } = await appWithTwoFilesOpen({ debounceMs: 50 });
  assert.equal(await app.get('/hits'), '1');

  const loaded = await saveAll(lsp, { [greeting]: greetingV('2', 'both'), [store]: storeV(10) });
  assert.deepEqual(
    loaded.map((r) => r.outcome),
    ['loaded', 'loaded'],
    loaded.flatMap((r) => r.lines).join('\n'),
  );
  const uris = [greeting, store].map((f) => pathToFileURL(f).href);
  for (const report of loaded) assert.deepEqual(report.release, uris, 'each report names the release');
  assert.ok(lsp.log.some((l) => /one release of 2 files/.test(l)));
  assert.equal(await app.get('/greet?name=a'), 'both, a');
  assert.equal(await app.get('/hits'), '11', 'the new hit() runs on the kept counter');

  // store.js throws at its top level: its prepare fails, so greeting.js's new version is not committed either.
  const refused = await saveAll(lsp, {
    [greeting]: greetingV('3', 'three'),
    [store]: storeV(100, "throw new Error('store refuses');\n"),
  });
  assert.deepEqual(
    refused.map((r) => r.outcome),
    ['failed', 'failed'],
  );
  assert.match(refused[1]!.lines.join('\n'), /store refuses/);
  assert.match(refused[0]!.lines.join('\n'), /not loaded: store\.js in the same release failed to prepare/);
  assert.equal(await app.get('/greet?name=a'), 'both, a', 'greeting.js kept its running version');
  assert.equal(await app.get('/hits'), '21');
  // Reported once: a diagnostic on each file (on the line that threw, and on the file held back), no notification.
  const storeDiagnostics = lsp.diagnostics.get(uris[1]!)?.diagnostics ?? [];
  assert.deepEqual(
    storeDiagnostics.map((d) => [d.range.start.line, d.code, d.message]),
    [[2, 'load-failed', 'Not hot-loaded: top level threw: store refuses']],
  );
  const greetingDiagnostics = lsp.diagnostics.get(uris[0]!)?.diagnostics ?? [];
  assert.equal(greetingDiagnostics.length, 1);
  assert.match(
    String(greetingDiagnostics[0]!.message),
    /^Not hot-loaded: .*store\.js in the same release failed to prepare/,
  );
  assert.deepEqual(await notificationsSoFar(lsp), [], 'no notification without hotpatch.notifyOnLoadFailure');
});

test('a file saved with one that has a syntax error is held back, and loads with the next save that fixes it', async () => {
  const { app, lsp, greeting, store } = await appWithTwoFilesOpen({ debounceMs: 50 });
  const held = await saveAll(lsp, { [greeting]: greetingV('2', 'held'), [store]: 'exports.hit = () => {\n' });
  assert.deepEqual(
    held.map((r) => r.outcome),
    ['failed', 'syntaxError'],
  );
  assert.match(held[0]!.lines[0]!, /^not loaded: saved with store\.js, which cannot load/);
  assert.equal(await app.get('/greet?name=a'), 'hello, a', 'nothing loaded');

  // Fixing store.js alone loads it and the held-back greeting.js, in one release.
  const fixed = storeV(5);
  writeFileSync(store, fixed);
  const [storeReport] = await lsp.saveAll([{ file: store, text: fixed }]);
  assert.equal(storeReport!.outcome, 'loaded', storeReport!.lines.join('\n'));
  assert.equal(storeReport!.release?.length, 2);
  assert.equal(await app.get('/greet?name=a'), 'held, a');
  assert.deepEqual(lsp.diagnostics.get(pathToFileURL(greeting).href)?.diagnostics, [], 'its diagnostic is cleared');
});

test('auto-saves load only with loadOnAutoSave; allIfDirty skips a save without changes', async () => {
  const { app, lsp, greeting } = await appWithTwoFilesOpen();
  const v2 = greetingV('2', 'auto');
  writeFileSync(greeting, v2);
  for (const reason of [TextDocumentSaveReason.AfterDelay, TextDocumentSaveReason.FocusOut]) {
    const why = await lsp.saveNotLoaded(greeting, v2, reason);
    assert.match(why, /an auto-save \((after a delay|on a focus change)\), and hotpatch\.loadOnAutoSave is off/);
  }
  assert.equal(await app.get('/greet?name=a'), 'hello, a');
  // The same text saved by the user loads.
  const [manual] = await lsp.saveAll([{ file: greeting, text: v2 }]);
  assert.equal(manual!.outcome, 'loaded', manual!.lines.join('\n'));
  assert.equal(await app.get('/greet?name=a'), 'auto, a');

  const autoLoads = await session(app, { loadOnAutoSave: true });
  const v3 = greetingV('3', 'auto-saved');
  writeFileSync(greeting, v3);
  const [auto] = await autoLoads.saveAll([{ file: greeting, text: v3 }], TextDocumentSaveReason.AfterDelay);
  assert.equal(auto!.outcome, 'loaded', auto!.lines.join('\n'));
  assert.equal(await app.get('/greet?name=a'), 'auto-saved, a');

  const ifDirty = await session(app, { loadOnSave: 'allIfDirty' });
  const why = await ifDirty.saveNotLoaded(greeting, undefined);
  assert.match(why, /saved without changes, and hotpatch\.loadOnSave is "allIfDirty"/);
  const v4 = greetingV('4', 'dirty');
  writeFileSync(greeting, v4);
  const [dirty] = await ifDirty.saveAll([{ file: greeting, text: v4 }]);
  assert.equal(dirty!.outcome, 'loaded', dirty!.lines.join('\n'));
  assert.equal(await app.get('/greet?name=a'), 'dirty, a');
});

test('manual: saves load nothing, and Hot-load loads its file with every file saved since, in one transaction', async () => {
  const { app, lsp, greeting, store } = await appWithTwoFilesOpen({ loadOnSave: 'manual' });
  const [greetingV2, storeV2] = [greetingV('2', 'manual'), storeV(7)];
  writeFileSync(greeting, greetingV2);
  writeFileSync(store, storeV2);
  assert.match(await lsp.saveNotLoaded(greeting, greetingV2), /"manual": the Hot-load command loads it/);
  assert.match(await lsp.saveNotLoaded(store, storeV2), /"manual"/);
  assert.equal(await app.get('/greet?name=a'), 'hello, a');
  assert.equal(await app.get('/hits'), '1');

  const report = await lsp.connection.sendRequest(loadRequest, { uri: pathToFileURL(greeting).href });
  assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
  assert.equal(report.release?.length, 2, 'store.js, saved since, went with it');
  assert.equal(await app.get('/greet?name=a'), 'manual, a');
  assert.equal(await app.get('/hits'), '8');
});

test('never, and the old boolean false: saves load nothing; Hot-load loads just its file', async () => {
  const { app, lsp, greeting, store } = await appWithTwoFilesOpen({ loadOnSave: false });
  const v2 = greetingV('2', 'never');
  writeFileSync(greeting, v2);
  writeFileSync(store, storeV(3));
  assert.match(await lsp.saveNotLoaded(greeting, v2), /hotpatch\.loadOnSave is "never"/);
  assert.match(await lsp.saveNotLoaded(store, storeV(3)), /"never"/);
  assert.equal(await app.get('/greet?name=a'), 'hello, a');
  const report = await lsp.connection.sendRequest(loadRequest, { uri: pathToFileURL(greeting).href });
  assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
  assert.equal(report.release, undefined);
  assert.equal(await app.get('/greet?name=a'), 'never, a');
  assert.equal(await app.get('/hits'), '1', 'store.js was not loaded (hits counts by 1, not 3)');
});

test('notifyOnLoadFailure: a failed release raises one error notification', async () => {
  const { lsp, greeting, store } = await appWithTwoFilesOpen({ notifyOnLoadFailure: true, debounceMs: 50 });
  const refused = await saveAll(lsp, {
    [greeting]: greetingV('2', 'x'),
    [store]: storeV(2, "throw new Error('no');\n"),
  });
  assert.deepEqual(
    refused.map((r) => r.outcome),
    ['failed', 'failed'],
  );
  const notifications = await notificationsSoFar(lsp);
  assert.equal(notifications.length, 1, notifications.join('\n'));
  assert.match(notifications[0]!, /^Hotpatch: .*top level threw: no/);
});
