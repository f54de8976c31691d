/**
 * The commands on one server process, OTP's sys from the tree: Show state (sys:get_state),
 * Suspend, Resume and Show status (sys:get_status). Each takes a process row of the tree (under
 * a version or under a supervisor), else offers a quick pick of the connected apps' processes.
 * Suspend and Resume change a running app: they refuse in restricted mode.
 */
import * as vscode from 'vscode';
import type { ProcessInfo } from 'hotpatch-agent/protocol';
import * as ext from '../shared/lsp-extensions';
import type { CommandContext } from './commands';
import { isProcessRow, type ProcessRow, type TreeNode } from './tree-nodes';

/** A process of a connected app, as the commands act on it. */
interface ProcessRef {
  readonly agent: ext.TreeAgent;
  readonly process: ProcessInfo;
}

function appName(agent: ext.TreeAgent): string {
  return agent.info?.appName ?? agent.url;
}

function isRow(value: unknown): value is ProcessRow {
  return typeof value === 'object' && value !== null && 'kind' in value && isProcessRow(value as TreeNode);
}

export function processCommands(
  h: CommandContext,
  trusted: (what: string) => boolean,
): Record<string, (arg?: unknown) => Promise<unknown>> {
  /** The process a command acts on: a tree row's, else one picked among those `fits` accepts. */
  const resolve = async (
    arg: unknown,
    placeHolder: string,
    fits: (process: ProcessInfo) => boolean = () => true,
  ): Promise<ProcessRef | undefined> => {
    if (isRow(arg)) return { agent: arg.agent, process: arg.process };
    if (h.tree.agents().length === 0) await h.tree.refresh();
    const candidates = h.tree
      .agents()
      .flatMap((agent) => agent.processes.filter(fits).map((process) => ({ agent, process })));
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage('Hotpatch: no server process to do this on in a connected app.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      candidates.map((ref) => ({
        label: ref.process.name ?? ref.process.id,
        description: `${ref.process.id} · ${ref.process.status} · ${appName(ref.agent)} (pid ${ref.agent.info?.pid ?? '?'})`,
        ref,
      })),
      { placeHolder, matchOnDescription: true },
    );
    return picked?.ref;
  };

  const target = (ref: ProcessRef): ext.ProcessTarget => ({ pid: ref.agent.info?.pid ?? 0, process: ref.process.id });

  const open = async (ref: ProcessRef, view: 'state' | 'status', fromTree: boolean): Promise<vscode.Uri> => {
    const uri = h.states.processUri(appName(ref.agent), ref.agent.info?.pid ?? 0, ref.process.id, view);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: fromTree });
    return uri;
  };

  /** Suspend or Resume: the process as the agent answered, and the tree read again. */
  const sys =
    (action: 'suspend' | 'resume', what: string, fits: (process: ProcessInfo) => boolean) =>
    async (arg?: unknown): Promise<ProcessInfo | undefined> => {
      if (!trusted(what)) return undefined;
      const ref = await resolve(arg, `Process to ${action}`, fits);
      if (!ref) return undefined;
      const { process } = await h.client.sendRequest(ext.processSysRequest, { ...target(ref), action });
      const name = process.name ?? process.id;
      vscode.window.setStatusBarMessage(
        `$(check) Hotpatch: ${name} ${action === 'suspend' ? 'suspended' : 'resumed'}`,
        5000,
      );
      h.output.info(`${what} ${process.id} in ${appName(ref.agent)}: ${process.status}`);
      void h.tree.refresh();
      return process;
    };

  return {
    'hotpatch.showState': async (arg) => {
      const ref = await resolve(arg, 'Process whose state to show');
      return ref && open(ref, 'state', isRow(arg));
    },
    'hotpatch.showStatus': async (arg) => {
      const ref = await resolve(arg, 'Process whose status to show');
      return ref && open(ref, 'status', isRow(arg));
    },
    'hotpatch.suspendProcess': sys('suspend', 'Suspend', (p) => !p.suspendedBy?.includes('sys')),
    'hotpatch.resumeProcess': sys('resume', 'Resume', (p) => p.suspendedBy?.includes('sys') === true),
  };
}
