/**
 * How each node of the Live Modules tree is drawn: label, description, icon, and the
 * contextValue the menus of package.json match (`process` rows: `process[.oldCode][.sysSuspended]`,
 * so Suspend shows on a process a client has not suspended and Resume on one it has).
 */
import * as vscode from 'vscode';
import type { ProcessInfo } from 'hotpatch-agent/protocol';
import type { ChildSnapshot, SupervisorSnapshot } from '../engine/supervision-model';
import {
  moduleLabel,
  moduleSource,
  plural,
  processStatus,
  versionProcesses,
  type AppNode,
  type ChildNode,
  type ModuleNode,
  type ProcessNode,
  type SupervisorNode,
  type TreeNode,
  type VersionNode,
} from './tree-nodes';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function treeItem(node: TreeNode, apps: number): vscode.TreeItem {
  switch (node.kind) {
    case 'app':
      return appItem(node, apps);
    case 'module':
      return moduleItem(node);
    case 'version':
      return versionItem(node);
    case 'process':
      return processItem(node);
    case 'supervisor':
      return supervisorItem(node);
    case 'child':
      return childItem(node);
  }
}

function appItem(node: AppNode, apps: number): vscode.TreeItem {
  const { agent } = node;
  const item = new vscode.TreeItem(
    agent.info?.appName ?? agent.url,
    apps <= 3 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = node.id;
  const facts = agent.info ? [`pid ${agent.info.pid}`, `Node ${agent.info.nodeVersion}`] : [agent.url];
  const paused = agent.pausedInDebugger && agent.state === 'connected';
  item.description = [...facts, paused ? 'paused in the debugger: saves wait for it' : agent.state].join(' · ');
  item.contextValue = `app.${agent.state}`;
  item.iconPath = paused
    ? new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('debugIcon.pauseForeground'))
    : {
        connected: new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed')),
        connecting: new vscode.ThemeIcon('sync~spin'),
        reconnecting: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('list.warningForeground')),
        disconnected: new vscode.ThemeIcon('vm-outline', new vscode.ThemeColor('list.errorForeground')),
      }[agent.state];
  return item;
}

function moduleItem(node: ModuleNode): vscode.TreeItem {
  const { agent, module } = node;
  const item = new vscode.TreeItem(moduleLabel(agent, module.file), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = node.id;
  const parts = [`vsn ${module.current.vsn}`];
  if (module.old) parts.push(`old ${module.old.vsn}`);
  if (module.processes.length > 0) parts.push(plural(module.processes.length, 'process', 'processes'));
  item.description = parts.join(' · ');
  item.contextValue = module.old ? 'module.hasOld' : 'module';
  // The source file: the theme's icon for its type, and its problems (a failed load's error) as a badge.
  item.resourceUri = vscode.Uri.file(moduleSource(module));
  item.iconPath = vscode.ThemeIcon.File;
  item.command = { command: 'hotpatch.openSource', title: 'Open source', arguments: [node] };
  return item;
}

function versionItem(node: VersionNode): vscode.TreeItem {
  const { version, which } = node;
  const processes = versionProcesses(node).length;
  const item = new vscode.TreeItem(
    which,
    processes > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = node.id;
  const parts = [`vsn ${version.vsn} (#${version.seq})`, time.format(new Date(version.loadedAt)), version.origin];
  if (processes > 0) parts.push(plural(processes, 'process', 'processes'));
  item.description = parts.join(' · ');
  item.contextValue = `version.${which}`;
  item.iconPath = new vscode.ThemeIcon(which === 'current' ? 'git-commit' : 'history');
  return item;
}

function processItem(node: ProcessNode): vscode.TreeItem {
  const { process } = node;
  const item = new vscode.TreeItem(process.name ?? process.id, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  const parts = process.name ? [process.id, processStatus(process)] : [processStatus(process)];
  if (process.mailbox > 0) parts.push(`mailbox ${process.mailbox}`);
  if (process.runsOldCode) parts.push('runs old code');
  item.description = parts.join(' · ');
  item.contextValue = processContext(process);
  item.iconPath = process.runsOldCode
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : processIcon(process.status);
  item.command = { command: 'hotpatch.showState', title: 'Show state', arguments: [node] };
  return item;
}

/** `process`, plus `.oldCode` while it runs old code and `.sysSuspended` while a client holds it suspended. */
function processContext(process: ProcessInfo): string {
  return `process${process.runsOldCode ? '.oldCode' : ''}${process.suspendedBy?.includes('sys') ? '.sysSuspended' : ''}`;
}

function processIcon(status: ProcessInfo['status'] | ChildSnapshot['status']): vscode.ThemeIcon {
  switch (status) {
    case 'running':
      return new vscode.ThemeIcon('pulse');
    case 'suspended':
      return new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('list.warningForeground'));
    case 'restarting':
      return new vscode.ThemeIcon('debug-restart', new vscode.ThemeColor('list.warningForeground'));
    case 'dead':
      return new vscode.ThemeIcon('circle-slash');
  }
}

/** `one_for_one · 3 children`. */
export function supervisorFacts(supervisor: SupervisorSnapshot): string {
  return `${supervisor.strategy} · ${plural(supervisor.children.length, 'child', 'children')}`;
}

function supervisorItem(node: SupervisorNode): vscode.TreeItem {
  const { supervisor, agent } = node;
  const item = new vscode.TreeItem(
    supervisor.name ?? supervisor.id,
    supervisor.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = node.id;
  const parts = [supervisorFacts(supervisor)];
  if (supervisor.file) parts.push(moduleLabel(agent, supervisor.file));
  item.description = parts.join(' · ');
  item.contextValue = 'supervisor';
  item.iconPath = new vscode.ThemeIcon('type-hierarchy');
  return item;
}

function childItem(node: ChildNode): vscode.TreeItem {
  const { child, process, nested } = node;
  const label = child.id ?? process?.name ?? child.process ?? '(child)';
  const item = new vscode.TreeItem(
    label,
    nested && nested.children.length > 0
      ? vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None,
  );
  item.id = node.id;
  item.description = childDescription(node);
  if (process) {
    item.contextValue = processContext(process);
    item.command = { command: 'hotpatch.showState', title: 'Show state', arguments: [node] };
  } else item.contextValue = `supervisorChild.${child.status}`;
  item.iconPath =
    nested && child.status === 'running' ? new vscode.ThemeIcon('type-hierarchy') : processIcon(child.status);
  return item;
}

/** `running · visits#3`, `suspended by a client · visits#3`, `supervisor one_for_all · 2 children`, `dead · temporary`. */
function childDescription({ child, process, nested }: ChildNode): string {
  const parts = [process ? processStatus(process) : child.status];
  if (process) parts.push(process.name && process.name !== child.id ? `${process.name} (${process.id})` : process.id);
  if (nested) parts.push(`supervisor ${nested.name ?? nested.id}`, supervisorFacts(nested));
  if (child.restart !== 'permanent') parts.push(child.restart);
  if (process?.runsOldCode) parts.push('runs old code');
  return parts.join(' · ');
}
