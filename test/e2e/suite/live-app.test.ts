// The example app (examples/counter-app, copied into the workspace by the runner) runs with the agent
// while the suite drives the real extension: the Live Modules tree, hot loading on save, the migration
// prompt's diagnostic and code action, and rolling back, each checked over the app's HTTP endpoint too.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

import {
  diagnosticsFor,
  editAndSave,
  extensionId,
  find,
  flatten,
  nextPatch,
  save,
  waitFor,
  type HotpatchApi,
  type PatchReport,
} from './helpers';

/** What Preview migration returns, as far as these tests read it (the agent's UpgradePlan). */
interface PreviewPlan {
  previews: { process: string; before: unknown; after: unknown }[];
}

suite('a running app', function () {
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const file = (path: string) => vscode.Uri.file(join(workspace, path));
  const discoveryDir = mkdtempSync(join(tmpdir(), 'hotpatch-e2e-discovery-'));
  let api: HotpatchApi;
  let app: ChildProcess | undefined;
  let appOutput = '';
  let baseUrl = '';
  let pid = 0;

  const get = async (path: string): Promise<string> => {
    const response = await fetch(new URL(path, baseUrl));
    assert.equal(response.status, 200, `GET ${path}`);
    return response.text();
  };

  suiteSetup(async function () {
    assert.ok(workspace, 'a workspace folder is open');
    const ext = vscode.extensions.getExtension<HotpatchApi>(extensionId);
    assert.ok(ext, `${extensionId} is installed`);
    api = await ext.activate();
    await api.whenRunning();

    // The app announces itself in the discovery folder; the language server watches the same folder.
    app = spawn(process.execPath, ['-r', 'hotpatch-agent/register', '--enable-source-maps', 'dist/main.js'], {
      cwd: workspace,
      // ELECTRON_RUN_AS_NODE: under desktop VS Code the extension host's execPath is Electron.
      env: { ...process.env, PORT: '0', HOTPATCH_DISCOVERY_DIR: discoveryDir, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pid = app.pid ?? 0;
    baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not start:\n${appOutput}`)), 30_000);
      app!.on('exit', (code, signal) => reject(new Error(`the app exited (${signal ?? code}):\n${appOutput}`)));
      for (const stream of [app!.stdout!, app!.stderr!]) {
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          appOutput += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(appOutput);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      }
    });

    // The setting restarts the language server, which then finds the app.
    await vscode.workspace
      .getConfiguration('hotpatch')
      .update('discoveryDir', discoveryDir, vscode.ConfigurationTarget.Global);
    // Waiting here for the app's modules and process also waits out that restart: a save while the
    // server restarts would be lost.
    await waitFor(api, `the app (pid ${pid}) with its modules and the visits process in the tree`, async () =>
      find(await api.treeItems(), pid, 'counter-app', 'dist/visits.js', 'current', 'visits'),
    );
  });

  suiteTeardown(async () => {
    if (app && app.exitCode === null && app.signalCode === null) {
      const exited = new Promise((resolve) => app!.once('exit', resolve));
      app.kill();
      await exited;
    }
    await vscode.workspace
      .getConfiguration('hotpatch')
      .update('discoveryDir', undefined, vscode.ConfigurationTarget.Global);
    rmSync(discoveryDir, { recursive: true, force: true });
  });

  test('the tree shows the app, its modules with versions and the visits process', async () => {
    const items = await waitFor(
      api,
      'the app with its modules, the visits process and its supervisor in the tree',
      async () => {
        const items = await api.treeItems();
        const app = find(items, pid, 'counter-app');
        const supervised = app?.children.some((c) => c.kind === 'supervisor' && c.children.length > 0);
        return find(items, pid, 'counter-app', 'dist/visits.js', 'current', 'visits') && supervised ? items : undefined;
      },
    );
    const appItem = find(items, pid, 'counter-app')!;
    assert.equal(appItem.kind, 'app');
    assert.match(appItem.description ?? '', new RegExp(`pid ${pid}\\b`));
    assert.match(appItem.description ?? '', /connected/);
    for (const module of ['dist/greeting.js', 'dist/visits.js', 'dist/main.js']) {
      const item = find(items, pid, 'counter-app', module);
      assert.ok(item, `${module} in ${JSON.stringify(appItem.children.map((c) => c.label))}`);
      assert.equal(item.kind, 'module');
      assert.match(item.description ?? '', /^vsn \S+/, `${module}: ${item.description}`);
    }
    assert.match(find(items, pid, 'counter-app', 'dist/greeting.js')!.description ?? '', /^vsn 1\b/);
    // A module is its source file: the theme's file icon, and the file's problems as a badge.
    const greetingItem = find(items, pid, 'counter-app', 'dist/greeting.js')!;
    assert.equal(greetingItem.icon, 'file');
    assert.equal(realpathSync(greetingItem.resourceUri ?? ''), realpathSync(join(workspace, 'src', 'greeting.ts')));
    assert.match(find(items, pid, 'counter-app', 'dist/visits.js')!.description ?? '', /^vsn 1 · 1 process$/);
    const visits = find(items, pid, 'counter-app', 'dist/visits.js', 'current', 'visits')!;
    assert.equal(visits.kind, 'process');
    assert.equal(visits.contextValue, 'process');
    // main.ts supervises visits: its tree under the app, the child nested with the process it runs as.
    const supervisor = appItem.children.find((c) => c.kind === 'supervisor')!;
    assert.match(supervisor.label, /^supervisor#\d+$/);
    assert.equal(supervisor.description, 'one_for_one · 1 child · dist/main.js');
    assert.equal(supervisor.contextValue, 'supervisor');
    const visitsId = (visits.description ?? '').split(' · ')[0];
    assert.deepEqual(
      supervisor.children.map((c) => [c.kind, c.label, c.description, c.contextValue, c.icon]),
      [['child', 'visits', `running · ${visitsId}`, 'process', 'pulse']],
    );
  });

  test('saving greeting.ts hot-loads it: the app answers with the new greeting, the tree shows #2 and the old version', async () => {
    const uri = file('src/greeting.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const patched = nextPatch(api, uri);
    const redraws: (readonly string[] | undefined)[] = [];
    const listening = api.onDidRedrawTree((ids) => redraws.push(ids));
    await editAndSave(document, (text) =>
      text
        .replace("export const vsn = '1';", "export const vsn = '2';")
        .replace('`Hello, ${name}!`', '`Howdy, ${name}!`'),
    );
    const report = await patched;
    assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
    assert.equal(await get('/greet?name=ann'), 'Howdy, ann!\n');
    assert.match(await get('/?name=ann'), /^Howdy, ann! \(visit 1, greeting vsn 2;/);

    const greeting = await waitFor(api, 'greeting.js at vsn 2 with its old version', async () => {
      const item = find(await api.treeItems(), pid, 'counter-app', 'dist/greeting.js');
      return item && /^vsn 2 · old 1/.test(item.description ?? '') ? item : undefined;
    });
    assert.equal(greeting.contextValue, 'module.hasOld');
    const current = greeting.children.find((c) => c.label === 'current');
    const old = greeting.children.find((c) => c.label === 'old');
    assert.match(current?.description ?? '', /^vsn 2 \(#2\)/);
    assert.match(old?.description ?? '', /^vsn 1 \(#1\)/);

    // Only what changed was redrawn: greeting.js's node (with its versions), never the whole tree
    // nor main.js (an app with thousands of modules would otherwise redraw them all on every save).
    listening.dispose();
    assert.ok(redraws.length > 0, 'the tree was redrawn');
    assert.ok(!redraws.includes(undefined), `no full redraw: ${JSON.stringify(redraws)}`);
    const ids = redraws.flatMap((r) => r ?? []);
    assert.ok(
      ids.some((id) => /^module:.*greeting\.js$/.test(id)),
      JSON.stringify(ids),
    );
    assert.ok(!ids.some((id) => /main\.js$/.test(id)), JSON.stringify(ids));
  });

  test('a State change without codeChange: migrationNeeded and a diagnostic, app untouched; the quick fix migrates the running state', async () => {
    await get('/?name=bob');
    const before = JSON.parse(await get('/visits')) as { count: number; history: string[] };
    assert.deepEqual(before, { count: 2, history: ['ann', 'bob'] });

    const uri = file('src/visits.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const refused = nextPatch(api, uri);
    await editAndSave(document, (text) =>
      text
        .replace(
          '  history: string[];\n}',
          '  history: string[];\n  /** When counting started. */\n  since: string;\n}',
        )
        .replace(
          'init: () => ({ count: 0, history: [] }),',
          "init: () => ({ count: 0, history: [], since: 'startup' }),",
        )
        .replace('const next = { count: state.count + 1,', 'const next = { ...state, count: state.count + 1,'),
    );
    const report = await refused;
    assert.equal(report.outcome, 'migrationNeeded', report.lines.join('\n'));
    assert.match(report.lines[0] ?? '', /State changed since v1 running in counter-app .*since: string/);

    const [diagnostic] = (
      await diagnosticsFor(uri, (ds) => ds.some((d) => d.source === 'hotpatch' && d.code === 'state-changed'))
    ).filter((d) => d.source === 'hotpatch');
    assert.ok(diagnostic);
    assert.match(document.lineAt(diagnostic.range.start.line).text, /interface State\b/);
    assert.deepEqual(JSON.parse(await get('/visits')), before, 'the app is untouched');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Generate codeChange migration from v1');
    assert.ok(fix?.edit, `the quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.match(document.getText(), /codeChange\(/);

    const migrated = nextPatch(api, uri);
    await save(document);
    const loaded = await migrated;
    assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
    assert.match(loaded.lines[0] ?? '', /1 processes migrated/);
    await diagnosticsFor(uri, (ds) => !ds.some((d) => d.source === 'hotpatch'));
    // The stub keeps the count and history and gives the new field its type's empty value.
    assert.deepEqual(JSON.parse(await get('/visits')), { ...before, since: '' }, 'the count survives the migration');
    assert.match(await get('/?name=cy'), /visit 3\b/);
  });

  /** The state-changed diagnostic hotpatch puts on `uri`. */
  async function stateDiagnostic(uri: vscode.Uri): Promise<vscode.Diagnostic> {
    const [diagnostic] = (
      await diagnosticsFor(uri, (ds) => ds.some((d) => d.source === 'hotpatch' && d.code === 'state-changed'))
    ).filter((d) => d.source === 'hotpatch');
    assert.ok(diagnostic);
    return diagnostic;
  }

  /** The "Generate codeChange migration" quick fix for `diagnostic`, applied. */
  async function applyMigrationQuickFix(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Promise<void> {
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.title === 'Generate codeChange migration from v1');
    assert.ok(fix?.edit, `the quick fix among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
  }

  test('a class field typed by an interface file: saving the interface asks for a migration in the service; its quick fix converts the live instance', async () => {
    await get('/notes?add=milk');
    const typeUri = file('src/note.ts');
    const serviceUri = file('src/notes.service.ts');
    const service = await vscode.workspace.openTextDocument(serviceUri);
    const types = await vscode.workspace.openTextDocument(typeUri);
    await vscode.window.showTextDocument(types);
    const refused = nextPatch(api, typeUri);
    await editAndSave(types, (text) => text.replace('  text: string;\n', '  text: string;\n  pinned: boolean;\n'));
    const report = await refused;
    assert.equal(report.outcome, 'migrationNeeded', report.lines.join('\n'));
    assert.match(
      report.lines[0] ?? '',
      /^notes\.service\.ts: NotesService\.notes: Note\[\] changed since v1 running in counter-app .*: \+ pinned: boolean$/,
    );
    assert.deepEqual(JSON.parse(await get('/notes')), [{ text: 'milk' }], 'the app is untouched');

    const diagnostic = await stateDiagnostic(serviceUri);
    assert.match(service.lineAt(diagnostic.range.start.line).text, /private readonly notes: Note\[\]/);
    await applyMigrationQuickFix(serviceUri, diagnostic);
    assert.match(service.getText(), /static codeChange\(/);
    // Preview migration: the live instance's fields before and after the stub, nothing committed.
    const plans = await vscode.commands.executeCommand<PreviewPlan[] | undefined>(
      'hotpatch.previewMigration',
      serviceUri,
    );
    const preview = plans?.flatMap((p) => p.previews).find((p) => p.process.startsWith('NotesService instance'));
    assert.ok(preview, JSON.stringify(plans));
    assert.deepEqual(preview.after, { notes: [{ text: 'milk', pinned: false }] });
    assert.deepEqual(JSON.parse(await get('/notes')), [{ text: 'milk' }], 'a preview commits nothing');
    // The service makes its new notes with the new field too, and the save loads it.
    const migrated = nextPatch(api, serviceUri);
    await editAndSave(service, (text) =>
      text.replace('this.notes.push({ text });', 'this.notes.push({ text, pinned: true });'),
    );
    const loaded = await migrated;
    assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
    await diagnosticsFor(serviceUri, (ds) => !ds.some((d) => d.source === 'hotpatch'));
    assert.deepEqual(JSON.parse(await get('/notes?add=tea')), [
      { text: 'milk', pinned: false },
      { text: 'tea', pinned: true },
    ]);
  });

  test('a module variable whose element type changed: migrationNeeded on its save; the quick fix converts the live value', async () => {
    await get('/tags?add=home');
    const uri = file('src/tags.ts');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const refused = nextPatch(api, uri);
    await editAndSave(document, (text) =>
      text
        .replace('  name: string;\n', '  name: string;\n  uses: number;\n')
        .replace('tags.push({ name });', 'tags.push({ name, uses: 1 });'),
    );
    const report = await refused;
    assert.equal(report.outcome, 'migrationNeeded', report.lines.join('\n'));
    assert.match(
      report.lines[0] ?? '',
      /^module variables of tags\.ts: tags: Tag\[\] changed since v1 .*: \+ uses: number$/,
    );
    assert.deepEqual(JSON.parse(await get('/tags')), [{ name: 'home' }], 'the app is untouched');

    await applyMigrationQuickFix(uri, await stateDiagnostic(uri));
    assert.match(document.getText(), /export function codeChange\(/);
    const migrated = nextPatch(api, uri);
    await save(document);
    const loaded = await migrated;
    assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
    assert.deepEqual(JSON.parse(await get('/tags?add=work')), [
      { name: 'home', uses: 0 },
      { name: 'work', uses: 1 },
    ]);
  });

  test('Roll back makes the previous greeting current again', async () => {
    const report = await vscode.commands.executeCommand<PatchReport | undefined>(
      'hotpatch.rollback',
      file('src/greeting.ts'),
    );
    assert.ok(report, 'the command returns a report');
    assert.equal(report.outcome, 'loaded', report.lines.join('\n'));
    assert.equal(await get('/greet?name=ann'), 'Hello, ann!\n');
    assert.match(await get('/?name=ann'), /greeting vsn 1;/);
    await api.refresh();
    const greeting = await waitFor(api, 'greeting.js back at vsn 1', async () => {
      const item = find(await api.treeItems(), pid, 'counter-app', 'dist/greeting.js');
      return item && /^vsn 1\b/.test(item.description ?? '') ? item : undefined;
    });
    assert.match(greeting.children.find((c) => c.label === 'current')?.description ?? '', /^vsn 1 /);
    assert.ok(flatten(greeting.children).every((c) => !/^vsn 2 /.test(c.description ?? '') || c.label === 'old'));
  });

  test('an agent in hotpatch.agents without a token connects with the one stored by "Set agent token" (SecretStorage)', async () => {
    const record = JSON.parse(readFileSync(join(discoveryDir, `${pid}.json`), 'utf8')) as {
      url: string;
      token: string;
    };
    const noAgents = mkdtempSync(join(tmpdir(), 'hotpatch-e2e-no-agents-'));
    const config = vscode.workspace.getConfiguration('hotpatch');
    try {
      // Only the explicit entry, with no token in the settings: it is left out, and no app is shown.
      await config.update('agents', [{ url: record.url }], vscode.ConfigurationTarget.Global);
      await config.update('discoveryDir', noAgents, vscode.ConfigurationTarget.Global);
      await waitFor(api, 'the tree without the app', async () => {
        await api.refresh();
        return find(await api.treeItems(), pid, 'counter-app') ? undefined : true;
      });
      // Storing the token restarts the server, which reads it from SecretStorage and connects.
      const stored = await vscode.commands.executeCommand<string | undefined>(
        'hotpatch.setAgentToken',
        record.url,
        record.token,
      );
      assert.equal(stored, record.url);
      const app = await waitFor(api, 'the app connected through its explicit entry', async () => {
        const item = find(await api.treeItems(), pid, 'counter-app');
        return item && /connected$/.test(item.description ?? '') ? item : undefined;
      });
      assert.match(app.description ?? '', new RegExp(`pid ${pid}\\b`));
      assert.equal(
        JSON.stringify(vscode.workspace.getConfiguration('hotpatch').inspect('agents')?.globalValue).includes(
          record.token,
        ),
        false,
        'no token in the settings',
      );
    } finally {
      await config.update('agents', undefined, vscode.ConfigurationTarget.Global);
      await config.update('discoveryDir', discoveryDir, vscode.ConfigurationTarget.Global);
      rmSync(noAgents, { recursive: true, force: true });
    }
  });
});
