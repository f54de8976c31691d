/**
 * The "Live Modules" tree: Apps → Modules → Versions → Processes, read from the language
 * server's `hotpatch/tree`. One request per burst of `hotpatch/treeChanged` (debounced, with a
 * maximum wait so a busy app still refreshes); children are built only when a node is expanded
 * and tooltips only when one is hovered, so an app with thousands of hot modules stays
 * responsive. Every node has a stable `id`, so expansion and selection survive refreshes.
 */
import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { ProcessInfo, VersionInfo } from 'hotpatch-agent/protocol';
import type { ModuleSnapshot } from '../engine/live-model';
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

export type TreeNode = AppNode | ModuleNode | VersionNode | ProcessNode;

/** A resolved tree item as plain data, for tests and diagnostics. */
export interface TreeItemSnapshot {
  readonly kind: TreeNode['kind'];
  readonly id: string;
  readonly label: string;
  readonly description: string | undefined;
  readonly tooltip: string | undefined;
  readonly contextValue: string | undefined;
  readonly icon: string | undefined;
  /** The file the item stands for (a module's source), as a path. */
  readonly resourceUri: string | undefined;
  readonly children: TreeItemSnapshot[];
}

export interface LiveModulesOptions {
  /** Reads the live model from the server; undefined while the server is not running. */
  fetch: () => Promise<readonly TreeAgent[] | undefined>;
  /** Quiet time after the last `treeChanged` before reading the tree again. */
  debounceMs?: number;
  /** Longest a refresh waits while changes keep coming. */
  maxWaitMs?: number;
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** Tree data for the `hotpatch.liveModules` view; also the client's cache of the live model. */
export class LiveModulesProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  readonly #onDidChangeTreeData = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.#onDidChangeTreeData.event;
  readonly #onDidRefresh = new vscode.EventEmitter<readonly TreeAgent[]>();
  /** Fired after each read of the tree from the server, with the new model. */
  readonly onDidRefresh = this.#onDidRefresh.event;
  readonly #onDidRedraw = new vscode.EventEmitter<readonly string[] | undefined>();
  /** Fired with the ids of the nodes a refresh redrew (with their subtrees); undefined: all of them. */
  readonly onDidRedraw = this.#onDidRedraw.event;

  readonly #options: Required<LiveModulesOptions>;
  #agents: readonly TreeAgent[] = [];
  /** The node objects handed to VS Code, by id: a refresh updates them in place. */
  readonly #nodes = new Map<string, TreeNode>();
  #loaded = false;
  #timer: NodeJS.Timeout | undefined;
  #firstChangeAt: number | undefined;
  #inFlight: Promise<void> | undefined;
  #again = false;

  constructor(options: LiveModulesOptions) {
    this.#options = { debounceMs: 100, maxWaitMs: 1000, ...options };
  }

  /** The live model as last read. */
  agents(): readonly TreeAgent[] {
    return this.#agents;
  }

  /** Called on `hotpatch/treeChanged`: reads the tree once the burst of changes is over. */
  changed(): void {
    const now = Date.now();
    this.#firstChangeAt ??= now;
    clearTimeout(this.#timer);
    const wait = Math.min(this.#options.debounceMs, this.#firstChangeAt + this.#options.maxWaitMs - now);
    this.#timer = setTimeout(() => void this.refresh(), Math.max(0, wait));
  }

  /** Reads the tree now (coalesced with a read under way) and updates the view. */
  refresh(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#firstChangeAt = undefined;
    if (this.#inFlight) {
      this.#again = true;
      return this.#inFlight;
    }
    this.#inFlight = (async () => {
      const before = this.#loaded ? this.#agents : undefined;
      try {
        do {
          this.#again = false;
          this.#agents = (await this.#options.fetch().catch(() => undefined)) ?? [];
          this.#loaded = true;
        } while (this.#again);
      } finally {
        this.#inFlight = undefined;
      }
      this.#onDidRefresh.fire(this.#agents);
      const changed = before && this.#changedNodes(before, this.#agents);
      if (changed === undefined) this.#redrawAll();
      else if (changed.length > 0) {
        this.#onDidChangeTreeData.fire(changed);
        this.#onDidRedraw.fire(changed.map((node) => node.id));
      }
    })();
    return this.#inFlight;
  }

  /** Forgets the model (the server stopped) and empties the view. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#agents = [];
    this.#onDidRefresh.fire(this.#agents);
    this.#redrawAll();
  }

  #redrawAll(): void {
    this.#nodes.clear();
    this.#onDidChangeTreeData.fire(undefined);
    this.#onDidRedraw.fire(undefined);
  }

  /**
   * The nodes to redraw after a refresh: an app whose facts or set of modules changed (its whole
   * subtree), else each module whose snapshot changed. Undefined (redraw everything) when the set
   * of apps changed.
   */
  #changedNodes(before: readonly TreeAgent[], after: readonly TreeAgent[]): TreeNode[] | undefined {
    if (before.length !== after.length || before.some((agent, i) => agent.id !== after[i]!.id)) return undefined;
    const changed: TreeNode[] = [];
    after.forEach((agent, i) => {
      const old = before[i]!;
      const latest = appNode(agent);
      if (!this.#nodes.has(latest.id)) return; // never shown: nothing to redraw
      // Every node VS Code holds gets the new model (expanding a node later reads it), whether
      // or not it is redrawn now.
      const app = this.#intern(latest);
      if (appFactsChanged(old, agent)) {
        changed.push(app);
        return;
      }
      agent.modules.forEach((module, m) => {
        const node = moduleNode(agent, module);
        if (!this.#nodes.has(node.id)) return;
        const shown = this.#intern(node);
        if (JSON.stringify(module) !== JSON.stringify(old.modules[m])) changed.push(shown);
      });
    });
    return changed;
  }

  /** The node object VS Code already has for `node.id`, updated to `node`'s data; else `node`. */
  #intern<T extends TreeNode>(node: T): T {
    const existing = this.#nodes.get(node.id) as T | undefined;
    if (!existing) {
      this.#nodes.set(node.id, node);
      return node;
    }
    Object.assign(existing, node);
    return existing;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    return (await this.#children(node)).map((child) => this.#intern(child));
  }

  async #children(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) {
      if (!this.#loaded) await this.refresh();
      return this.#agents.map((agent) => appNode(agent));
    }
    switch (node.kind) {
      case 'app':
        return appChildren(node.agent);
      case 'module':
        return moduleChildren(node);
      case 'version':
        return versionProcesses(node).map((process) => processNode(node.agent, node.module, process));
      case 'process':
        return [];
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    switch (node.kind) {
      case 'app':
        return appItem(node, this.#agents.length);
      case 'module':
        return moduleItem(node);
      case 'version':
        return versionItem(node);
      case 'process':
        return processItem(node);
    }
  }

  /** Tooltips are built on hover only: cheap trees even with thousands of modules. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    item.tooltip = tooltip(node);
    return item;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    const parent = this.#parent(node);
    return parent && this.#intern(parent);
  }

  #parent(node: TreeNode): TreeNode | undefined {
    switch (node.kind) {
      case 'app':
        return undefined;
      case 'module':
        return { kind: 'app', id: `app:${node.agent.id}`, agent: node.agent };
      case 'version':
        return moduleNode(node.agent, node.module);
      case 'process': {
        if (!node.module) return { kind: 'app', id: `app:${node.agent.id}`, agent: node.agent };
        const old = node.module.old;
        const which = old && node.process.seq === old.seq ? 'old' : 'current';
        return versionNode(node.agent, node.module, which);
      }
    }
  }

  /** Every node, expanded, as plain data (reads the tree first when it never was). */
  async snapshot(): Promise<TreeItemSnapshot[]> {
    const walk = async (nodes: TreeNode[]): Promise<TreeItemSnapshot[]> =>
      Promise.all(
        nodes.map(async (node) => {
          const item = this.resolveTreeItem(this.getTreeItem(node), node);
          return {
            kind: node.kind,
            id: node.id,
            label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
            description: typeof item.description === 'string' ? item.description : undefined,
            tooltip: typeof item.tooltip === 'string' ? item.tooltip : item.tooltip?.value,
            contextValue: item.contextValue,
            icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
            resourceUri: item.resourceUri?.fsPath,
            children: await walk(await this.getChildren(node)),
          };
        }),
      );
    return walk(await this.getChildren());
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#onDidChangeTreeData.dispose();
    this.#onDidRefresh.dispose();
    this.#onDidRedraw.dispose();
  }
}

/** The app node of an agent, e.g. to reveal it. */
export function appNode(agent: TreeAgent): AppNode {
  return { kind: 'app', id: `app:${agent.id}`, agent };
}

export function moduleNode(agent: TreeAgent, module: ModuleSnapshot): ModuleNode {
  return { kind: 'module', id: `module:${agent.id}:${module.file}`, agent, module };
}

function versionNode(agent: TreeAgent, module: ModuleSnapshot, which: 'current' | 'old'): VersionNode {
  const version = which === 'old' && module.old ? module.old : module.current;
  return { kind: 'version', id: `version:${agent.id}:${module.file}:${which}`, agent, module, which, version };
}

function processNode(agent: TreeAgent, module: ModuleSnapshot | undefined, process: ProcessInfo): ProcessNode {
  return { kind: 'process', id: `process:${agent.id}:${process.id}`, agent, module, process };
}

/** Whether what an app's node shows, or the set of its children, changed. */
function appFactsChanged(before: TreeAgent, after: TreeAgent): boolean {
  const facts = (agent: TreeAgent) =>
    JSON.stringify([
      agent.state,
      agent.url,
      agent.info,
      agent.lastError,
      agent.failures,
      agent.modules.map((m) => m.file),
      agent.processes.filter((p) => !p.file),
    ]);
  return facts(before) !== facts(after);
}

function appChildren(agent: TreeAgent): TreeNode[] {
  const nodes: TreeNode[] = agent.modules.map((module) => moduleNode(agent, module));
  // Servers defined outside hot modules still have processes worth seeing.
  for (const process of agent.processes) if (!process.file) nodes.push(processNode(agent, undefined, process));
  return nodes;
}

function moduleChildren(node: ModuleNode): VersionNode[] {
  const versions = [versionNode(node.agent, node.module, 'current')];
  if (node.module.old) versions.push(versionNode(node.agent, node.module, 'old'));
  return versions;
}

/** A process belongs to the version whose callbacks it runs; without a known seq, to the current one. */
function versionProcesses(node: VersionNode): readonly ProcessInfo[] {
  const old = node.module.old;
  const runsOld = (p: ProcessInfo) => old !== null && p.seq === old.seq && p.seq !== node.module.current.seq;
  return node.module.processes.filter((p) => (node.which === 'old' ? runsOld(p) : !runsOld(p)));
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

function appItem(node: AppNode, apps: number): vscode.TreeItem {
  const { agent } = node;
  const item = new vscode.TreeItem(
    agent.info?.appName ?? agent.url,
    apps <= 3 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
  );
  item.id = node.id;
  const facts = agent.info ? [`pid ${agent.info.pid}`, `Node ${agent.info.nodeVersion}`] : [agent.url];
  item.description = [...facts, agent.state].join(' · ');
  item.contextValue = `app.${agent.state}`;
  item.iconPath = {
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
  const parts = process.name ? [process.id, process.status] : [process.status];
  if (process.mailbox > 0) parts.push(`mailbox ${process.mailbox}`);
  if (process.runsOldCode) parts.push('runs old code');
  item.description = parts.join(' · ');
  item.contextValue = process.runsOldCode ? 'process.oldCode' : 'process';
  item.iconPath = process.runsOldCode
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
    : new vscode.ThemeIcon({ running: 'pulse', suspended: 'debug-pause', dead: 'circle-slash' }[process.status]);
  item.command = { command: 'hotpatch.showState', title: 'Show state', arguments: [node] };
  return item;
}

function tooltip(node: TreeNode): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  const line = (label: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '')
      md.appendMarkdown(`${label}: `).appendText(`${value}`).appendMarkdown('  \n');
  };
  switch (node.kind) {
    case 'app': {
      const { agent } = node;
      md.appendMarkdown('**')
        .appendText(agent.info?.appName ?? agent.url)
        .appendMarkdown('**  \n');
      line('State', agent.state);
      line('URL', agent.url);
      line('Found', [agent.discovered && 'discovery folder', agent.explicit && 'settings'].filter(Boolean).join(', '));
      if (agent.info) {
        line('pid', agent.info.pid);
        line('Root', agent.info.root);
        line('Node', agent.info.nodeVersion);
        line('Agent', `${agent.info.agentVersion} (protocol ${agent.info.protocolVersion})`);
        line('Started', agent.info.startedAt);
      }
      line('Connected', agent.connectedAt);
      line('Last error', agent.lastError);
      if (agent.failures > 0) line('Failed attempts', agent.failures);
      line('Hot modules', agent.modules.length);
      line('Processes', agent.processes.length);
      break;
    }
    case 'module': {
      const { module } = node;
      md.appendMarkdown('**').appendText(moduleLabel(node.agent, module.file)).appendMarkdown('**  \n');
      line('File', module.file);
      for (const source of module.sources) line('Source', source);
      line('Format', module.format);
      line('Current', `vsn ${module.current.vsn} (#${module.current.seq}), ${module.current.origin}`);
      if (module.old) line('Old', `vsn ${module.old.vsn} (#${module.old.seq}), ${module.old.origin}`);
      line('Exports', module.exports.join(', '));
      line('Processes', module.processes.length);
      break;
    }
    case 'version': {
      const { version } = node;
      md.appendMarkdown('**').appendText(`${node.which} vsn ${version.vsn}`).appendMarkdown('**  \n');
      line('Load', `#${version.seq}`);
      line('Loaded at', version.loadedAt);
      line('Origin', version.origin);
      line('Code hash', version.hash);
      break;
    }
    case 'process': {
      const { process } = node;
      md.appendMarkdown('**').appendText(process.id).appendMarkdown('**  \n');
      line('Name', process.name);
      line('Server', process.server);
      if (process.file) line('Module', moduleLabel(node.agent, process.file));
      if (process.vsn !== undefined) line('Runs', `vsn ${process.vsn} (#${process.seq ?? '?'})`);
      line('Status', process.status);
      line('Mailbox', process.mailbox);
      if (process.busyMs !== undefined) line('Busy for', `${process.busyMs} ms`);
      if (process.runsOldCode) md.appendMarkdown('$(warning) A handler started in the old version is still running.');
      break;
    }
  }
  return md;
}
