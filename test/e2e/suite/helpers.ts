// What the extension-host tests share: the extension's API as they use it, and waits on its
// events (never on timers) for patches, diagnostics and the tree.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

// The extension's API (extension/src/client/extension.ts), as far as these tests use it: the suite's
// tsconfig cannot import from outside test/e2e.
export interface PatchReport {
  uri: string;
  outcome: 'loaded' | 'failed' | 'notRunning' | 'unchanged' | 'syntaxError' | 'migrationNeeded' | 'queued';
  ms?: number;
  lines: string[];
}
export interface TreeItemSnapshot {
  readonly kind: 'app' | 'module' | 'version' | 'process' | 'supervisor' | 'child';
  readonly id: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly contextValue: string | undefined;
  readonly icon: string | undefined;
  readonly resourceUri: string | undefined;
  readonly children: TreeItemSnapshot[];
}
export interface HotpatchApi {
  readonly onDidPatch: vscode.Event<PatchReport>;
  readonly onDidChangeTree: vscode.Event<readonly unknown[]>;
  readonly onDidRedrawTree: vscode.Event<readonly string[] | undefined>;
  refresh(): Promise<void>;
  agents(): readonly {
    readonly info?: { readonly pid: number; readonly appName: string };
    readonly state: string;
    readonly modules: readonly { readonly file: string }[];
  }[];
  treeItems(): Promise<TreeItemSnapshot[]>;
  whenRunning(): Promise<void>;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
};
export const extensionId = `${manifest.publisher}.${manifest.name}`;

/** Resolves once `check` returns a value, re-checked on every tree and patch event; rejects after `ms`. */
export function waitFor<T>(
  api: HotpatchApi,
  what: string,
  check: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
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
export function nextPatch(api: HotpatchApi, uri: vscode.Uri, ms = 30_000): Promise<PatchReport> {
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
export function diagnosticsFor(
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
export function find(items: TreeItemSnapshot[], pid: number, ...labels: string[]): TreeItemSnapshot | undefined {
  let level = items.filter((item) => item.kind !== 'app' || new RegExp(`^pid ${pid} `).test(item.description ?? ''));
  let found: TreeItemSnapshot | undefined;
  for (const label of labels) {
    found = level.find((item) => item.label === label);
    if (!found) return undefined;
    level = found.children;
  }
  return found;
}

export function flatten(items: TreeItemSnapshot[]): TreeItemSnapshot[] {
  return items.flatMap((item) => [item, ...flatten(item.children)]);
}

/** Replaces the whole document's text through a WorkspaceEdit, then saves. */
export async function editAndSave(document: vscode.TextDocument, edit: (text: string) => string): Promise<void> {
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
export async function save(document: vscode.TextDocument, ms = 30_000): Promise<void> {
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
