/**
 * Read-only virtual documents: a process's state or status (`hotpatch-state:`), the before/after states of
 * a migration preview (`hotpatch-state:` too, held in memory), and a loaded version's source
 * (`hotpatch-source:`). What to read is in the URI's query, so a reopened tab reads it again.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import * as ext from '../shared/lsp-extensions';

export const STATE_SCHEME = 'hotpatch-state';
export const SOURCE_SCHEME = 'hotpatch-source';

/** Previews kept for tabs that may be reopened; older ones are dropped. */
const MAX_PREVIEWS = 32;

/** A path segment safe in a URI path: the app name and pid, or a process id. */
function segment(text: string): string {
  return text.replace(/[\\/?#%]/g, '_');
}

export class StateDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly #onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.#onDidChange.event;
  readonly #previews = new Map<string, string>();
  #nextPreview = 1;

  constructor(readonly client: LanguageClient) {}

  /**
   * The document showing a process's state, e.g. `hotpatch-state:/counter-app-4242/visits#1.json`,
   * or its status (sys:get_status: suspension, handler, state), `…/visits#1.status.json`.
   */
  processUri(app: string, pid: number, process: string, view: 'state' | 'status' = 'state'): vscode.Uri {
    const query = new URLSearchParams({ pid: String(pid), process });
    if (view === 'status') query.set('view', 'status');
    return vscode.Uri.from({
      scheme: STATE_SCHEME,
      path: `/${segment(`${app}-${pid}`)}/${segment(process)}${view === 'status' ? '.status' : ''}.json`,
      query: query.toString(),
    });
  }

  /** Stores a migration preview's two sides; returns their URIs. */
  preview(name: string, before: unknown, after: unknown): { before: vscode.Uri; after: vscode.Uri } {
    const id = this.#nextPreview++;
    const uri = (side: string) =>
      vscode.Uri.from({ scheme: STATE_SCHEME, path: `/preview/${id}/${segment(name)}.${side}.json` });
    const uris = { before: uri('before'), after: uri('after') };
    this.#previews.set(uris.before.path, json(before));
    this.#previews.set(uris.after.path, json(after));
    while (this.#previews.size > MAX_PREVIEWS * 2) this.#previews.delete(this.#previews.keys().next().value!);
    return uris;
  }

  /** Reads the open process-state documents again (after the tree changed). */
  refreshOpen(): void {
    for (const document of vscode.workspace.textDocuments) {
      if (document.uri.scheme === STATE_SCHEME && !document.uri.path.startsWith('/preview/')) {
        this.#onDidChange.fire(document.uri);
      }
    }
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const stored = this.#previews.get(uri.path);
    if (stored !== undefined) return stored;
    const query = new URLSearchParams(uri.query);
    const pid = Number(query.get('pid'));
    const process = query.get('process');
    if (!process || !Number.isInteger(pid)) throw new Error(`This preview is no longer available: ${uri.path}`);
    if (query.get('view') === 'status') {
      return json(await this.client.sendRequest(ext.processStatusRequest, { pid, process }, token));
    }
    const { state } = await this.client.sendRequest(ext.processStateRequest, { pid, process }, token);
    return json(state);
  }

  dispose(): void {
    this.#onDidChange.dispose();
    this.#previews.clear();
  }
}

export class SourceDocuments implements vscode.TextDocumentContentProvider {
  constructor(readonly client: LanguageClient) {}

  /**
   * A loaded version's source, e.g. `hotpatch-source:/counter-app-4242/src/greeting.ts`; the
   * path ends like the source file so the editor picks its language.
   */
  uri(app: string, target: ext.ModuleTarget, label: string, version: 'current' | 'old'): vscode.Uri {
    return vscode.Uri.from({
      scheme: SOURCE_SCHEME,
      path: `/${segment(`${app}-${target.pid}`)}/${version}/${label.replace(/^\/+/, '')}`,
      query: new URLSearchParams({ pid: String(target.pid), file: target.file, version }).toString(),
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const pid = Number(query.get('pid'));
    const file = query.get('file');
    const version = query.get('version') === 'old' ? 'old' : 'current';
    if (!file || !Number.isInteger(pid)) throw new Error(`Not a loaded module: ${uri.toString()}`);
    const { source } = await this.client.sendRequest(ext.sourceRequest, { pid, file, version }, token);
    return source;
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2) ?? 'undefined'}\n`;
}
