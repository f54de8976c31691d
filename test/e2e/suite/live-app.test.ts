// The example app (examples/counter-app, copied into the workspace by the runner) runs with the agent
// while the suite drives the real extension: the Live Modules tree, hot loading on save, the migration
// prompt's diagnostic and code action, and rolling back, each checked over the app's HTTP endpoint too.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

// The extension's API (extension/src/client/extension.ts), as far as these tests use it: the suite's
// tsconfig cannot import from outside test/e2e.
interface PatchReport {
  uri: string;
  outcome: 'loaded' | 'failed' | 'notRunning' | 'unchanged' | 'syntaxError' | 'migrationNeeded';
  ms?: number;
  lines: string[];
}
interface TreeItemSnapshot {
  readonly kind: 'app' | 'module' | 'version' | 'process';
  readonly id: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly contextValue: string | undefined;
  readonly children: TreeItemSnapshot[];
}
interface HotpatchApi {
  readonly onDidPatch: vscode.Event<PatchReport>;
  readonly onDidChangeTree: vscode.Event<readonly unknown[]>;
  readonly onDidRedrawTree: vscode.Event<readonly string[] | undefined>;
  refresh(): Promise<void>;
  treeItems(): Promise<TreeItemSnapshot[]>;
  whenRunning(): Promise<void>;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
};
const extensionId = `${manifest.publisher}.${manifest.name}`;

/** Resolves once `check` returns a value, re-checked on every tree and patch event; rejects after `ms`. */
function waitFor<T>(api: HotpatchApi, what: string, check: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let last: unknown;
    const subscriptions: vscode.Disposable[] = [];
    const finish = (error: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
      if (error) reject(error);
      else resolve(value as T);
    };
    const timer = setTimeout(
      () => finish(new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`)),
      ms,
    );
    let checking = false;
    let again = false;
    const run = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          try {
            const value = await check();
            if (value !== undefined) return finish(undefined, value);
          } catch (error) {
            last = error instanceof Error ? error.message : error;
          }
        } while (again && !done);
      } finally {
        checking = false;
      }
    };
    subscriptions.push(
      api.onDidChangeTree(() => void run()),
      api.onDidPatch(() => void run()),
    );
    void run();
  });
}

/** The next patch report for `uri` (subscribe before the save). */
function nextPatch(api: HotpatchApi, uri: vscode.Uri, ms = 30_000): Promise<PatchReport> {
  return new Promise<PatchReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no patch report for ${uri.fsPath} within ${ms} ms`));
    }, ms);
    const subscription = api.onDidPatch((report) => {
      if (vscode.Uri.parse(report.uri).fsPath !== uri.fsPath) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(report);
    });
  });
}

/** The diagnostics of `uri` once `check` accepts them (on every diagnostics change). */
function diagnosticsFor(
  uri: vscode.Uri,
  check: (diagnostics: vscode.Diagnostic[]) => boolean,
  ms = 30_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const test = () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!check(diagnostics)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(diagnostics);
      return true;
    };
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`diagnostics of ${uri.fsPath}: ${JSON.stringify(vscode.languages.getDiagnostics(uri))}`));
    }, ms);
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.fsPath === uri.fsPath)) test();
    });
    test();
  });
}

/**
 * Tree items by path of labels, e.g. ['counter-app', 'dist/visits.js', 'current']. The app is told
 * by its pid too: another counter-app (a demo, another session's) may show in the tree until the
 * language server has restarted with the suite's discovery folder.
 */
function find(items: TreeItemSnapshot[], pid: number, ...labels: string[]): TreeItemSnapshot | undefined {
  let level = items.filter((item) => item.kind !== 'app' || new RegExp(`^pid ${pid} `).test(item.description ?? ''));
  let found: TreeItemSnapshot | undefined;
  for (const label of labels) {
    found = level.find((item) => item.label === label);
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

function flatten(items: TreeItemSnapshot[]): TreeItemSnapshot[] {
  return items.flatMap((item) => [item, ...flatten(item.children)]);
}

/** Replaces the whole document's text through a WorkspaceEdit, then saves. */
async function editAndSave(document: vscode.TextDocument, edit: (text: string) => string): Promise<void> {
  const text = document.getText();
  const next = edit(text);
  assert.notEqual(next, text, 'the edit changes the file');
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(text.length)), next);
  assert.equal(await vscode.workspace.applyEdit(workspaceEdit), true, 'the edit applies');
  await save(document);
}

/**
 * Saves and resolves once the document is saved. `TextDocument.save()` at times resolves false while
 * the workbench still completes the save a moment later (seen once in code-server, right after the
 * TypeScript server started), so the save event decides, not the returned flag.
 */
async function save(document: vscode.TextDocument, ms = 30_000): Promise<void> {
  let subscription: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const saved = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${document.uri.fsPath} was not saved within ${ms} ms`)), ms);
    subscription = vscode.workspace.onDidSaveTextDocument((d) => {
      if (d.uri.toString() === document.uri.toString() && !document.isDirty) resolve();
    });
  });
  try {
    if (!(await document.save())) {
      console.warn(`TextDocument.save() resolved false for ${document.uri.fsPath}; waiting for the save event`);
      await saved;
    }
  } finally {
    clearTimeout(timer);
    subscription?.dispose();
  }
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
    const items = await waitFor(api, 'the app with its modules and the visits process in the tree', async () => {
      const items = await api.treeItems();
      return find(items, pid, 'counter-app', 'dist/visits.js', 'current', 'visits') ? items : undefined;
    });
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
    assert.match(find(items, pid, 'counter-app', 'dist/visits.js')!.description ?? '', /^vsn 1 · 1 process$/);
    const visits = find(items, pid, 'counter-app', 'dist/visits.js', 'current', 'visits')!;
    assert.equal(visits.kind, 'process');
    assert.equal(visits.contextValue, 'process');
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
});
