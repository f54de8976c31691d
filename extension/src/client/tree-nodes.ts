/**
 * The nodes of the Live Modules tree and which children each has: Apps → Modules → Versions →
 * Processes, and under each app its supervision trees (Supervisors → children, nested
 * supervisors in turn). Plain data: the provider (live-modules.ts) hands them to VS Code and
 * tree-items.ts draws them.
 */
import { relative } from 'node:path';
import type { ProcessInfo, VersionInfo } from 'hotpatch-agent/protocol';
import type { ModuleSnapshot } from '../engine/live-model';
import type { ChildSnapshot, SupervisorSnapshot } from '../engine/supervision-model';
import type { TreeAgent } from '../shared/lsp-extensions';

/** An app (one agent). */
export interface AppNode {
  readonly kind: 'app';
  readonly id: string;
  readonly agent: TreeAgent;
}

/** A hot module of an app. */
export interface ModuleNode {
  readonly kind: 'module';
  readonly id: string;
  readonly agent: TreeAgent;
  readonly module: ModuleSnapshot;
}

/** The current or the old version of a module (Erlang's current and old code). */
export interface VersionNode {
  readonly kind: 'version';
  readonly id: string;
  readonly agent: TreeAgent;
  readonly module: ModuleSnapshot;
  readonly which: 'current' | 'old';
  readonly version: VersionInfo;
}

/** A server process: under the version whose callbacks it runs, or under its app when its server is not hot. */
export interface ProcessNode {
  readonly kind: 'process';
  readonly id: string;
  readonly agent: TreeAgent;
  readonly module: ModuleSnapshot | undefined;
  readonly process: ProcessInfo;
}

/** The root of a supervision tree, under its app. */
export interface SupervisorNode {
  readonly kind: 'supervisor';
  readonly id: string;
  readonly agent: TreeAgent;
  readonly supervisor: SupervisorSnapshot;
}

/** A child of a supervisor: a worker (with its process while it runs) or a nested supervisor. */
export interface ChildNode {
  readonly kind: 'child';
  readonly id: string;
  readonly agent: TreeAgent;
  /** Its supervisor. */
  readonly parent: SupervisorSnapshot;
  readonly child: ChildSnapshot;
  /** The process it runs as, while it runs (workers). */
  readonly process: ProcessInfo | undefined;
  /** The supervisor it runs as, while it runs (supervisor children): its children are this node's. */
  readonly nested: SupervisorSnapshot | undefined;
}

export type TreeNode = AppNode | ModuleNode | VersionNode | ProcessNode | SupervisorNode | ChildNode;

/** A node that stands for a live process: what Show state, Suspend, Resume and Show status act on. */
export type ProcessRow = ProcessNode | (ChildNode & { readonly process: ProcessInfo });

export function isProcessRow(node: TreeNode): node is ProcessRow {
  return node.kind === 'process' || (node.kind === 'child' && node.process !== undefined);
}

/** The app node of an agent, e.g. to reveal it. */
export function appNode(agent: TreeAgent): AppNode {
  return { kind: 'app', id: `app:${agent.id}`, agent };
}

export function moduleNode(agent: TreeAgent, module: ModuleSnapshot): ModuleNode {
  return { kind: 'module', id: `module:${agent.id}:${module.file}`, agent, module };
}

export function versionNode(agent: TreeAgent, module: ModuleSnapshot, which: 'current' | 'old'): VersionNode {
  const version = which === 'old' && module.old ? module.old : module.current;
  return { kind: 'version', id: `version:${agent.id}:${module.file}:${which}`, agent, module, which, version };
}

export function processNode(agent: TreeAgent, module: ModuleSnapshot | undefined, process: ProcessInfo): ProcessNode {
  return { kind: 'process', id: `process:${agent.id}:${process.id}`, agent, module, process };
}

export function supervisorNode(agent: TreeAgent, supervisor: SupervisorSnapshot): SupervisorNode {
  return { kind: 'supervisor', id: `supervisor:${agent.id}:${supervisor.id}`, agent, supervisor };
}

function childNode(agent: TreeAgent, parent: SupervisorSnapshot, child: ChildSnapshot, index: number): ChildNode {
  // Stable across restarts: the spec's id (a simple_one_for_one child has none: its process's).
  const key = child.id ?? child.process ?? `#${index}`;
  const nested = child.supervisor === undefined ? undefined : agent.supervisors.find((s) => s.id === child.supervisor);
  return {
    kind: 'child',
    id: `child:${agent.id}:${parent.id}:${key}`,
    agent,
    parent,
    child,
    process: child.processInfo,
    nested,
  };
}

export function appChildren(agent: TreeAgent): TreeNode[] {
  const nodes: TreeNode[] = agent.modules.map((module) => moduleNode(agent, module));
  // Servers defined outside hot modules still have processes worth seeing.
  for (const process of agent.processes) if (!process.file) nodes.push(processNode(agent, undefined, process));
  for (const supervisor of agent.supervisors) if (supervisor.root) nodes.push(supervisorNode(agent, supervisor));
  return nodes;
}

export function moduleChildren(node: ModuleNode): VersionNode[] {
  const versions = [versionNode(node.agent, node.module, 'current')];
  if (node.module.old) versions.push(versionNode(node.agent, node.module, 'old'));
  return versions;
}

/** A process belongs to the version whose callbacks it runs; without a known seq, to the current one. */
export function versionProcesses(node: VersionNode): readonly ProcessInfo[] {
  const old = node.module.old;
  const runsOld = (p: ProcessInfo) => old !== null && p.seq === old.seq && p.seq !== node.module.current.seq;
  return node.module.processes.filter((p) => (node.which === 'old' ? runsOld(p) : !runsOld(p)));
}

/** The children of a supervisor row, or of a child row that is a supervisor. */
export function supervisorChildren(agent: TreeAgent, supervisor: SupervisorSnapshot | undefined): ChildNode[] {
  return supervisor ? supervisor.children.map((child, i) => childNode(agent, supervisor, child, i)) : [];
}

/** The module's path relative to its app's root, as `hotpatch ls` shows it. */
export function moduleLabel(agent: TreeAgent, file: string): string {
  const root = agent.info?.root;
  const path = root ? relative(root, file) : file;
  return path.startsWith('..') ? file : path.replaceAll('\\', '/');
}

/** The source file a module was compiled from (one source-map source), else the module file itself. */
export function moduleSource(module: ModuleSnapshot): string {
  return module.sources.length === 1 ? module.sources[0]! : module.file;
}

/** `1 process`, `2 processes`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A process's status in words: `running`, `suspended by a client`, `suspended by an upgrade`, … */
export function processStatus(process: ProcessInfo): string {
  if (process.status !== 'suspended' || !process.suspendedBy?.length) return process.status;
  const by = process.suspendedBy.map((who) => (who === 'sys' ? 'a client' : 'an upgrade'));
  return `suspended by ${by.join(' and ')}`;
}
