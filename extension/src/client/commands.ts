/**
 * The `hotpatch.*` commands. Each takes what it acts on from a tree node, a file URI (editor and
 * explorer menus), the active editor, or else a quick pick, and returns its result so tests can
 * run it through `vscode.commands.executeCommand`. Commands that change a running app (load,
 * roll back, purge, migration preview, which evaluates the new code, suspend and resume) refuse
 * in restricted mode. The commands on one process are in process-commands.ts.
 */
import { realpathSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { UpgradePlan } from 'hotpatch-agent/protocol';
import type { ModuleSnapshot } from '../engine/live-model';
import * as ext from '../shared/lsp-extensions';
import type { SourceDocuments, StateDocuments } from './documents';
import { errorLocation } from '../shared/error-location';
import { moduleLabel, moduleSource, type LiveModulesProvider, type TreeNode } from './live-modules';
import { processCommands } from './process-commands';
import { errorMessage } from '../shared/error-message';

export const SHOW_OUTPUT = 'Show output';

/** What the commands work with. */
export interface CommandContext {
  readonly client: LanguageClient;
  readonly tree: LiveModulesProvider;
  readonly states: StateDocuments;
  readonly sources: SourceDocuments;
  readonly output: vscode.LogOutputChannel;
  restartServer(): Promise<void>;
}

interface ModuleRef {
  agent: ext.TreeAgent;
  module: ModuleSnapshot;
}

function isNode(value: unknown): value is TreeNode {
  return typeof value === 'object' && value !== null && 'kind' in value && 'agent' in value;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function appName(agent: ext.TreeAgent): string {
  return agent.info?.appName ?? agent.url;
}

function target(ref: ModuleRef): ext.ModuleTarget {
  return { pid: ref.agent.info?.pid ?? 0, file: ref.module.file };
}

export function registerCommands(h: CommandContext): vscode.Disposable[] {
  const trusted = (what: string): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(
      `Hotpatch: ${what} is disabled in restricted mode. Trust the workspace to change running apps.`,
    );
    return false;
  };

  /** Shows a failed report as an error with "Show output"; a successful one briefly in the status bar. */
  const report = (what: string, result: ext.PatchReport): ext.PatchReport => {
    if (result.outcome === 'failed') {
      h.output.error(`${what} failed: ${result.lines.join('; ')}`);
      void showError(`Hotpatch: ${what} failed: ${result.lines.join('; ')}`, h.output);
    } else {
      vscode.window.setStatusBarMessage(`$(check) Hotpatch: ${result.lines[0] ?? `${what} done`}`, 5000);
    }
    return result;
  };

  /**
   * Modules running a file: by module path or by source-map source. Apps name their files by
   * real path; a workspace opened through a symlink names them otherwise.
   */
  const modulesOf = (path: string): ModuleRef[] => {
    const runs = (file: string) =>
      h.tree
        .agents()
        .flatMap((agent) =>
          agent.modules
            .filter((module) => module.file === file || module.sources.includes(file))
            .map((module) => ({ agent, module })),
        );
    const found = runs(path);
    if (found.length > 0) return found;
    const real = realPath(path);
    return real === path ? found : runs(real);
  };

  const pickModule = async (
    candidates: ModuleRef[],
    placeHolder: string,
    none: string,
  ): Promise<ModuleRef | undefined> => {
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Hotpatch: ${none}`);
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const picked = await vscode.window.showQuickPick(
      candidates.map((ref) => ({
        label: moduleLabel(ref.agent, ref.module.file),
        description: `${appName(ref.agent)} (pid ${ref.agent.info?.pid ?? '?'})`,
        detail: `vsn ${ref.module.current.vsn}${ref.module.old ? `, old ${ref.module.old.vsn}` : ''}`,
        ref,
      })),
      { placeHolder, matchOnDescription: true },
    );
    return picked?.ref;
  };

  /**
   * The module a command acts on: a tree node's, else one running the URI or the active editor's
   * file, else any (a quick pick when several fit). `filter` and `unfit` narrow it, e.g. to modules
   * with an old version.
   */
  const resolveModule = async (
    arg: unknown,
    placeHolder: string,
    filter: (ref: ModuleRef) => boolean = () => true,
    unfit = 'is not in the state this needs',
  ): Promise<ModuleRef | undefined> => {
    if (isNode(arg) && (arg.kind === 'module' || arg.kind === 'version'))
      return { agent: arg.agent, module: arg.module };
    if (h.tree.agents().length === 0) await h.tree.refresh();
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    let candidates = uri?.scheme === 'file' ? modulesOf(uri.fsPath) : [];
    let what = uri?.scheme === 'file' ? basename(uri.fsPath) : '';
    if (candidates.length === 0 && !(arg instanceof vscode.Uri)) {
      candidates = h.tree.agents().flatMap((agent) => agent.modules.map((module) => ({ agent, module })));
      what = 'any hot module';
    }
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Hotpatch: no running app has loaded ${what || 'this file'}.`);
      return undefined;
    }
    return pickModule(candidates.filter(filter), placeHolder, `${what} ${unfit}.`);
  };

  /** The file a load or a preview reads: a tree node's source, a URI, the active editor, else a picked module's source. */
  const resolveFile = async (arg: unknown, placeHolder: string): Promise<vscode.Uri | undefined> => {
    if (isNode(arg) && (arg.kind === 'module' || arg.kind === 'version'))
      return vscode.Uri.file(moduleSource(arg.module));
    if (arg instanceof vscode.Uri) return arg;
    const editor = vscode.window.activeTextEditor?.document.uri;
    if (editor?.scheme === 'file') return editor;
    const ref = await resolveModule(undefined, placeHolder);
    return ref && vscode.Uri.file(moduleSource(ref.module));
  };

  const hotLoad = async (arg?: unknown): Promise<ext.PatchReport | undefined> => {
    if (!trusted('Hot-load')) return undefined;
    const uri = await resolveFile(arg, 'Module to hot-load');
    if (!uri) return undefined;
    const result = await h.client.sendRequest(ext.loadRequest, { uri: h.client.code2ProtocolConverter.asUri(uri) });
    const file = basename(uri.fsPath);
    switch (result.outcome) {
      case 'loaded':
        vscode.window.setStatusBarMessage(
          `$(check) Hotpatch: ${file} loaded${result.ms !== undefined ? ` in ${result.ms.toFixed(1)} ms` : ''}`,
          5000,
        );
        break;
      case 'notRunning':
        void vscode.window.showWarningMessage(`Hotpatch: no running app has loaded ${file}.`);
        break;
      case 'unchanged':
        vscode.window.setStatusBarMessage(`$(check) Hotpatch: every app already runs ${file} as it is`, 5000);
        break;
      case 'syntaxError':
        void showError(`Hotpatch: ${file} ${result.lines.join('; ')}`, h.output);
        break;
      case 'failed': // a diagnostic and the status bar show it (and a notification with hotpatch.notifyOnLoadFailure)
      case 'migrationNeeded': // the server asks how to migrate
        break;
    }
    return result;
  };

  const moduleAction =
    (what: string, run: (target: ext.ModuleTarget) => Promise<ext.PatchReport>) =>
    async (arg?: unknown): Promise<ext.PatchReport | undefined> => {
      if (!trusted(what)) return undefined;
      const ref = await resolveModule(
        arg,
        `Module to ${what.toLowerCase()}`,
        (r) => r.module.old !== null,
        'has no old version in any running app',
      );
      if (!ref) return undefined;
      const result = await run(target(ref));
      void h.tree.refresh();
      return report(what, result);
    };

  const diffWithLoaded = async (arg?: unknown): Promise<void> => {
    const ref = await resolveModule(arg, 'Module to compare with the loaded version');
    if (!ref) return;
    const which = isNode(arg) && arg.kind === 'version' ? arg.which : 'current';
    const version = which === 'old' && ref.module.old ? ref.module.old : ref.module.current;
    // The editor's file when it is the module (or its source), else the module's source on disk.
    const editorUri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    const runs = (uri: vscode.Uri) =>
      uri.scheme === 'file' && (ref.module.file === uri.fsPath || ref.module.sources.includes(uri.fsPath));
    const mine = !isNode(arg) && editorUri && runs(editorUri) ? editorUri : vscode.Uri.file(moduleSource(ref.module));
    const loaded = h.sources.uri(
      appName(ref.agent),
      target(ref),
      moduleLabel(ref.agent, moduleSource(ref.module)),
      which,
    );
    const name = basename(mine.fsPath);
    await vscode.commands.executeCommand(
      'vscode.diff',
      loaded,
      mine,
      `${name} (${which} vsn ${version.vsn} in ${appName(ref.agent)}) ↔ ${name}`,
    );
  };

  const previewMigration = async (arg?: unknown): Promise<UpgradePlan[] | undefined> => {
    if (!trusted('Preview migration')) return undefined;
    const uri = await resolveFile(arg, 'Module whose migration to preview');
    if (!uri) return undefined;
    const name = basename(uri.fsPath);
    const { plans } = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Hotpatch: preparing ${name}` },
      () => h.client.sendRequest(ext.migrationPreviewRequest, { uri: h.client.code2ProtocolConverter.asUri(uri) }),
    );
    if (plans.length === 0) {
      void vscode.window.showInformationMessage(`Hotpatch: no running app has loaded ${name}.`);
      return plans;
    }
    const errors = plans.flatMap((plan) => plan.errors);
    for (const error of errors) {
      const where =
        error.line !== undefined ? `:${error.line}${error.column !== undefined ? `:${error.column}` : ''}` : '';
      h.output.error(
        `migration preview of ${error.file}${where}${error.process ? ` (${error.process})` : ''}: ${error.message}`,
      );
    }
    if (errors.length > 0) {
      void showError(`Hotpatch: the migration of ${name} would fail: ${errors[0]!.message}`, h.output);
    }
    const modules = plans.flatMap((plan) => plan.modules);
    const versions = [...new Set(modules.map((m) => `${m.fromVsn} → ${m.toVsn}`))].join(', ');
    const previews = plans.flatMap((plan, i) =>
      plan.previews.map((p) => ({ ...p, key: plans.length > 1 ? `plan ${i + 1}: ${p.process}` : p.process })),
    );
    if (previews.length === 0) {
      if (errors.length === 0) {
        void vscode.window.showInformationMessage(`Hotpatch: ${name} (${versions}) has no process state to migrate.`);
      }
      return plans;
    }
    // One preview: its states side by side; several: one object per process on each side.
    const single = previews.length === 1 ? previews[0]! : undefined;
    const before = single ? single.before : Object.fromEntries(previews.map((p) => [p.key, p.before]));
    const after = single ? single.after : Object.fromEntries(previews.map((p) => [p.key, p.after]));
    const uris = h.states.preview(name.replace(/\.[^.]+$/, ''), before, after);
    const migrates = modules.some((m) => m.migration || m.holders?.some((holder) => holder.migration));
    const migration = migrates ? 'codeChange' : 'state kept as is';
    await vscode.commands.executeCommand(
      'vscode.diff',
      uris.before,
      uris.after,
      `${name}: state ${versions} (${migration}, not committed)`,
    );
    return plans;
  };

  const openSource = async (arg?: unknown): Promise<void> => {
    if (!isNode(arg) || (arg.kind !== 'module' && arg.kind !== 'version')) return;
    // From a click in the tree: keep the focus there, as the Explorer's single click does.
    await vscode.window.showTextDocument(vscode.Uri.file(moduleSource(arg.module)), {
      preview: true,
      preserveFocus: true,
    });
  };

  /** Registers a command whose failure (e.g. the agent went away) is an error notification, not a rejection. */
  const register = (id: string, run: (...args: unknown[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (error) {
        const message = errorMessage(error);
        h.output.error(`${id} failed: ${message}`);
        void showError(`Hotpatch: ${message}`, h.output);
        return undefined;
      }
    });
  return [
    register('hotpatch.hotLoad', hotLoad),
    register(
      'hotpatch.rollback',
      moduleAction('Roll back', (t) => h.client.sendRequest(ext.rollbackRequest, t)),
    ),
    register(
      'hotpatch.purge',
      moduleAction('Purge', (t) => h.client.sendRequest(ext.purgeRequest, { ...t, soft: false })),
    ),
    register(
      'hotpatch.softPurge',
      moduleAction('Soft purge', (t) => h.client.sendRequest(ext.purgeRequest, { ...t, soft: true })),
    ),
    ...Object.entries(processCommands(h, trusted)).map(([id, run]) => register(id, run)),
    register('hotpatch.diffWithLoaded', diffWithLoaded),
    register('hotpatch.previewMigration', previewMigration),
    register('hotpatch.openSource', openSource),
    register('hotpatch.showOutput', () => h.output.show(true)),
    register('hotpatch.refresh', () => h.tree.refresh()),
    register('hotpatch.restartServer', () => h.restartServer()),
  ];
}

/**
 * An error notification with a "Show output" button and, when the message names a file and line
 * (a module that failed to load), a button that opens the file there.
 */
export async function showError(message: string, output: vscode.OutputChannel): Promise<void> {
  const location = errorLocation(message);
  const goTo = location && `Go to ${basename(location.file)}:${location.line}`;
  const choice = await vscode.window.showErrorMessage(message, ...(goTo ? [goTo] : []), SHOW_OUTPUT);
  if (choice === SHOW_OUTPUT) output.show(true);
  if (choice === goTo && location) {
    const position = new vscode.Position(location.line - 1, Math.max(0, (location.column ?? 1) - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(location.file), {
      selection: new vscode.Range(position, position),
    });
  }
}
