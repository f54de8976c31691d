/**
 * The status bar item: how many apps are connected and when the last patch went live (or
 * failed), from `hotpatch/tree` and `hotpatch/patched`. Clicking it shows the output channel.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vscode from 'vscode';
import type { PatchReport, TreeAgent } from '../shared/lsp-extensions';
import { plural } from './live-modules';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export class HotpatchStatus implements vscode.Disposable {
  readonly #item = vscode.window.createStatusBarItem('hotpatch.status', vscode.StatusBarAlignment.Left, 10);
  #agents: readonly TreeAgent[] = [];
  #last: { report: PatchReport; at: Date } | undefined;
  #restricted = false;
  #running = false;

  constructor() {
    this.#item.name = 'Hotpatch';
    this.#item.command = 'hotpatch.showOutput';
    this.#render();
    this.#item.show();
  }

  set agents(agents: readonly TreeAgent[]) {
    this.#agents = agents;
    this.#render();
  }

  set restricted(restricted: boolean) {
    this.#restricted = restricted;
    this.#render();
  }

  set running(running: boolean) {
    this.#running = running;
    this.#render();
  }

  /** A patch worth showing: one that loaded, failed or was held back (not "no app runs this file" or "unchanged"). */
  patched(report: PatchReport): void {
    if (report.outcome === 'notRunning' || report.outcome === 'unchanged') return;
    this.#last = { report, at: new Date() };
    this.#render();
  }

  #render(): void {
    const connected = this.#agents.filter((a) => a.state === 'connected').length;
    const apps = plural(connected, 'app');
    const last = this.#last;
    let text = this.#restricted ? `$(shield) Hotpatch: ${apps}` : `$(zap) ${apps}`;
    if (!this.#running) text = '$(circle-slash) Hotpatch';
    if (last) {
      const { outcome, release, uri } = last.report;
      const icon =
        outcome === 'loaded'
          ? '$(check)'
          : outcome === 'failed'
            ? '$(error)'
            : outcome === 'queued'
              ? '$(debug-pause)'
              : '$(warning)';
      // What the last release was: its file, or how many files went together; a failure says so here,
      // with its diagnostic, rather than in a notification.
      const what = release ? `${release.length} files` : basename(fileURLToPath(uri));
      text += ` · ${icon} ${outcome === 'failed' ? `${what} not loaded` : what} ${time.format(last.at)}`;
    }
    this.#item.text = text;
    this.#item.backgroundColor =
      last?.report.outcome === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;

    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown('**Hotpatch**  \n');
    if (!this.#running) md.appendMarkdown('The language server is not running.  \n');
    if (this.#restricted) {
      md.appendMarkdown(
        'Restricted mode: saves are not hot-loaded; trust the workspace to load, roll back and purge.  \n',
      );
    }
    md.appendText(`${connected} of ${plural(this.#agents.length, 'app')} connected`).appendMarkdown('  \n');
    for (const agent of this.#agents) {
      md.appendText(
        `• ${agent.info?.appName ?? agent.url}${agent.info ? ` (pid ${agent.info.pid})` : ''}: ${agent.state}`,
      );
      md.appendMarkdown('  \n');
    }
    if (last) {
      const file = basename(fileURLToPath(last.report.uri));
      const ms = last.report.ms !== undefined ? ` in ${last.report.ms.toFixed(1)} ms` : '';
      const together = last.report.release ? ` (one transaction of ${last.report.release.length} files)` : '';
      md.appendMarkdown('\n---\n').appendText(
        `Last patch, ${time.format(last.at)}: ${file} ${last.report.outcome}${ms}${together}`,
      );
      for (const line of last.report.lines) md.appendMarkdown('  \n').appendText(line);
    }
    md.appendMarkdown('\n\n---\nClick to show the output.');
    this.#item.tooltip = md;
  }

  dispose(): void {
    this.#item.dispose();
  }
}
