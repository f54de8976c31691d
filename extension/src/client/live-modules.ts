/**
 * The "Live Modules" tree: Apps → Modules → Versions → Processes, and each app's supervision
 * trees (Supervisors → children), read from the language
 * server's `hotpatch/tree`. One request per burst of `hotpatch/treeChanged` (debounced, with a
 * maximum wait so a busy app still refreshes); children are built only when a node is expanded
 * and tooltips only when one is hovered, so an app with thousands of hot modules stays
 * responsive. Every node has a stable `id`, so expansion and selection survive refreshes.
 */
import * as vscode from 'vscode';
import type { TreeAgent } from '../shared/lsp-extensions';
import { treeItem } from './tree-items';
import {
  appChildren,
  appNode,
  moduleChildren,
  moduleNode,
  processNode,
  supervisorChildren,
  supervisorNode,
  versionNode,
  versionProcesses,
  type TreeNode,
} from './tree-nodes';
import { tooltip } from './tree-tooltips';

export {
  appNode,
  isProcessRow,
  moduleLabel,
  moduleNode,
  moduleSource,
  plural,
  type ProcessNode,
  type ProcessRow,
  type TreeNode,
} from './tree-nodes';

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
      // A change anywhere in the supervision trees redraws each tree shown (they are small).
      if (JSON.stringify(agent.supervisors) !== JSON.stringify(old.supervisors)) {
        for (const supervisor of agent.supervisors) {
          const node = supervisorNode(agent, supervisor);
          if (supervisor.root && this.#nodes.has(node.id)) changed.push(this.#intern(node));
        }
      }
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
      case 'supervisor':
        return supervisorChildren(node.agent, node.supervisor);
      case 'child':
        return supervisorChildren(node.agent, node.nested);
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return treeItem(node, this.#agents.length);
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
        return appNode(node.agent);
      case 'version':
        return moduleNode(node.agent, node.module);
      case 'process': {
        if (!node.module) return appNode(node.agent);
        const old = node.module.old;
        const which = old && node.process.seq === old.seq ? 'old' : 'current';
        return versionNode(node.agent, node.module, which);
      }
      case 'supervisor':
        return appNode(node.agent);
      case 'child': {
        // Its supervisor's row: a root's own, else the child row its parent shows it as.
        const { parent, agent } = node;
        if (parent.root) return supervisorNode(agent, parent);
        const holder = agent.supervisors.find((s) => s.children.some((c) => c.supervisor === parent.id));
        const index = holder?.children.findIndex((c) => c.supervisor === parent.id) ?? -1;
        return holder ? supervisorChildren(agent, holder)[index] : appNode(agent);
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
      agent.supervisors.filter((s) => s.root).map((s) => s.id),
    ]);
  return facts(before) !== facts(after);
}
