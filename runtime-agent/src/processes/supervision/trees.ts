/**
 * Supervision trees started by a hot module's top level, and what a load of that module does
 * to them (issue 12, item 4): OTP upgrades a supervisor in place (supervisor:code_change), so
 * a module whose top level calls `supervise()` can be loaded again.
 *
 * A tree started at a module's top level belongs to the module and to the statement that
 * started it. A load runs only the statements that changed (see code-server/live/): when one
 * of them calls `supervise()` again, the call does not start a second tree (whose children
 * would take names the running ones hold): it returns the running tree, and the new specs
 * and options are staged with the new version. They apply when the version is committed
 * (`commitTrees`: Supervisor.codeChange), and never if it is discarded. The call is paired
 * with a running tree by its `name` when it has one, else by order: the module's trees whose
 * statement the load does not keep, in the order they started.
 */
import { currentFrame } from '../../code-server/live/top-level';
import { currentCollector, type DefinitionCollector } from '../define-server';
import { Supervisor } from '../supervisor';
import { startingChild } from './starting-child';
import {
  checkChildSpecs,
  checkOptions,
  type ChildSpec,
  type SupervisorChange,
  type SupervisorOptions,
} from './child-specs';

/** What a version's top level did to supervision trees, until the version is committed or discarded. */
export interface PendingTrees {
  /** Running trees its supervise() calls update in place, with the new specs and options. */
  updates: TreeUpdate[];
  /** Trees it started anew: stopped if the version is discarded. */
  started: Supervisor[];
  /** What the updates did, for the report of a version that has no statement-level report. */
  ran: string[];
}

interface TreeUpdate {
  tree: Supervisor;
  children: ChildSpec[];
  options: SupervisorOptions;
  /** The statement of the new version that called supervise(). */
  statement: object | undefined;
}

interface Owner {
  file: string;
  /** The top-level statement that started it (its identity across loads, see live-module.ts). */
  statement: object | undefined;
}

interface Registry {
  owners: WeakMap<Supervisor, Owner>;
  /** Running trees started at each module's top level, in the order they started. */
  byFile: Map<string, Supervisor[]>;
  /** Running trees by registered name. */
  names: Map<string, Supervisor>;
}

const REGISTRY_KEY = Symbol.for('hotpatch-agent.supervision-trees');

/** One registry per Node process, on a global as the process table is, for every copy of the library. */
function registry(): Registry {
  const holder = globalThis as unknown as Record<symbol, Registry | undefined>;
  return (holder[REGISTRY_KEY] ??= { owners: new WeakMap(), byFile: new Map(), names: new Map() });
}

/**
 * Starts a supervisor over `children` (OTP's supervisor:start_link). Called again by a load of
 * the module whose top level started it, it updates that running tree instead (see above) and
 * returns it. `name` registers the tree, and pairs it with its running self across loads.
 */
export function supervise(children: ChildSpec[], options: SupervisorOptions = {}): Supervisor {
  const topLevel = runningTopLevel();
  if (topLevel?.loading) {
    const tree = pairedTree(topLevel, options.name);
    if (tree) {
      // Checked now, so specs it cannot run with fail the load, naming what is wrong.
      checkChildSpecs(children);
      checkOptions(options);
      topLevel.collector.trees.updates.push({ tree, children, options, statement: topLevel.statement });
      return tree;
    }
  }
  const { names, owners, byFile } = registry();
  if (options.name !== undefined && names.has(options.name)) {
    const owner = owners.get(names.get(options.name)!);
    const where = owner ? ` (started by ${owner.file})` : '';
    throw new Error(`supervise: the name '${options.name}' is already registered to a running supervisor${where}`);
  }
  const tree = new Supervisor(children, options);
  if (tree.name !== undefined) names.set(tree.name, tree);
  if (topLevel) {
    owners.set(tree, { file: topLevel.file, statement: topLevel.statement });
    byFile.set(topLevel.file, [...(byFile.get(topLevel.file) ?? []), tree]);
    if (topLevel.loading) topLevel.collector.trees.started.push(tree);
  }
  tree.once('exit', () => forget(tree));
  return tree;
}

/** The running supervisor registered under `name`. */
export function whereisSupervisor(name: string): Supervisor | undefined {
  return registry().names.get(name);
}

/** The module whose top level started `tree`, if one did (a child spec's supervisor belongs to its parent). */
export function treeFile(tree: Supervisor): string | undefined {
  return registry().owners.get(tree)?.file;
}

/**
 * At the commit of a version: applies its staged tree updates. Returns, for the load's report,
 * what each did (`ran`) and what went wrong (`warnings`), and the statements of the running
 * version whose trees were updated in place (their change is not a removal).
 */
export function commitTrees(pending: PendingTrees): { ran: string[]; warnings: string[]; updated: object[] } {
  const result = { ran: [] as string[], warnings: [] as string[], updated: [] as object[] };
  const { owners } = registry();
  for (const { tree, children, options, statement } of pending.updates) {
    const label = describeTree(tree);
    if (tree.status === 'dead') {
      result.warnings.push(`${label} exited before the load was committed: its new child specs were not applied`);
      continue;
    }
    const change = tree.codeChange(children, options);
    const owner = owners.get(tree);
    if (owner) {
      if (owner.statement) result.updated.push(owner.statement);
      owner.statement = statement;
    }
    result.ran.push(`${label} updated in place: ${describeChange(change)}`);
    for (const failure of change.failed) {
      result.warnings.push(`${label}: the added child ${failure}; it is tried again as a restart`);
    }
  }
  pending.updates.length = 0;
  pending.started.length = 0;
  return result;
}

/** A version that will not be committed: the trees its top level started stop, nothing of it stays. */
export function discardTrees(pending: PendingTrees): void {
  for (const tree of pending.started.splice(0)) tree.kill('shutdown');
  pending.updates.length = 0;
}

function describeTree(tree: Supervisor): string {
  return tree.name === undefined
    ? `the supervisor of ${tree.children.map((c) => c.id).join(', ')}`
    : `supervisor '${tree.name}'`;
}

function describeChange(change: SupervisorChange): string {
  const parts = [
    change.unchanged.length > 0 ? `kept ${change.unchanged.join(', ')}` : '',
    change.changed.length > 0 ? `kept ${change.changed.join(', ')} (new spec from their next start)` : '',
    change.added.length > 0 ? `started ${change.added.join(', ')}` : '',
    change.removed.length > 0 ? `stopped ${change.removed.join(', ')}` : '',
    ...change.options,
  ].filter((part) => part !== '');
  return parts.length > 0 ? parts.join('; ') : 'nothing changed';
}

interface TopLevel {
  file: string;
  statement: object | undefined;
  /** A load of the module (else the app's own startup of it). */
  loading: boolean;
  collector: DefinitionCollector;
  /** The statements the load keeps (not run again), when the module loads in place. */
  kept: ReadonlySet<object>;
}

/** The hot module's top level running now, if supervise() is called from one. */
function runningTopLevel(): TopLevel | undefined {
  // A supervisor a child spec starts belongs to its parent, not to the module: it is upgraded
  // with its parent's specs, never paired with a supervise() call of the module's top level.
  if (startingChild()) return undefined;
  const frame = currentFrame();
  const collector = currentCollector();
  if (!frame || collector?.file !== frame.file) return undefined;
  return {
    file: frame.file,
    statement: frame.scope && frame.index >= 0 ? frame.scope.statementIds[frame.index] : undefined,
    loading: frame.loading,
    collector,
    kept: new Set(frame.scope?.statementIds ?? []),
  };
}

/** The running tree of the loading module that this supervise() call stands for, if any. */
function pairedTree(topLevel: TopLevel, name: string | undefined): Supervisor | undefined {
  const { byFile, owners } = registry();
  const taken = new Set(topLevel.collector.trees.updates.map((u) => u.tree));
  return (byFile.get(topLevel.file) ?? []).find((tree) => {
    const statement = owners.get(tree)?.statement;
    if (tree.status === 'dead' || taken.has(tree)) return false;
    // A tree whose statement the load keeps is not being replaced: its statement does not run.
    if (statement !== undefined && topLevel.kept.has(statement)) return false;
    return tree.name === name;
  });
}

function forget(tree: Supervisor): void {
  const { byFile, names, owners } = registry();
  if (tree.name !== undefined && names.get(tree.name) === tree) names.delete(tree.name);
  const file = owners.get(tree)?.file;
  if (file === undefined) return;
  const rest = (byFile.get(file) ?? []).filter((t) => t !== tree);
  if (rest.length > 0) byFile.set(file, rest);
  else byFile.delete(file);
}
