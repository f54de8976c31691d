/**
 * What the engine knows about the running agents, kept from the protocol's answers and
 * notifications: agents (facts, connection state, last error) → hot modules (current and old
 * versions) → server processes. The AgentPool writes it; front ends read immutable snapshots
 * (sorted, frozen, shared until the next change) suited to a tree view:
 * Apps → Modules → Versions → Processes.
 *
 * Module facts come whole with every moduleLoaded/modulePurged. Process facts come with
 * processStarted/processChanged/processExited, supervisors with supervisorStarted/Changed/Exited
 * (supervision-model.ts makes their trees); the version a process runs and whether it runs old code change
 * without a notification when its module loads or purges, so the pool re-reads the processes
 * of a module after each of those. Mailbox sizes and busy times are as of the last read.
 *
 * An agent is another process, and not necessarily a well-behaved one: the modules kept per
 * agent are capped (`maxModulesPerAgent`), so a flood of `moduleLoaded` for new files cannot
 * grow the language server without bound. Modules past the cap are left out, and said to be.
 */
import type { AgentInfo, ModuleInfo, ProcessInfo, SupervisorInfo } from 'hotpatch-agent/protocol';
import { supervisorSnapshots, type SupervisorSnapshot } from './supervision-model';

/**
 * `connecting`: the first attempt is under way; `connected`: handshake and initial fill done,
 * notifications flowing; `reconnecting`: the connection dropped or an attempt failed and
 * another is scheduled; `disconnected`: no attempt is scheduled (refused, or removed).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** A hot module with the processes of its servers. */
export interface ModuleSnapshot extends Readonly<ModuleInfo> {
  /** Processes whose `file` is this module's, sorted by id. */
  readonly processes: readonly ProcessInfo[];
}

export interface AgentSnapshot {
  /** Stable for the life of the entry: the agent's URL. */
  readonly id: string;
  readonly url: string;
  /** Found through a discovery file. */
  readonly discovered: boolean;
  /** Configured explicitly (settings). */
  readonly explicit: boolean;
  /** From the handshake, or from the discovery record before the first connection. */
  readonly info: Readonly<AgentInfo> | undefined;
  readonly state: ConnectionState;
  /** Why the last attempt failed or the last connection dropped; cleared on a successful connection. */
  readonly lastError: string | undefined;
  /** Consecutive failed attempts since the last successful connection. */
  readonly failures: number;
  /** When the current connection was made (ISO), while connected. */
  readonly connectedAt: string | undefined;
  /**
   * Sorted by file. While not connected these are the last known (a front end may show them
   * as stale); a reconnection replaces them.
   */
  readonly modules: readonly ModuleSnapshot[];
  /** Every process, sorted by id, including those of servers outside hot modules. */
  readonly processes: readonly ProcessInfo[];
  /** Every running supervisor in start order; the roots of the trees have `root`. */
  readonly supervisors: readonly SupervisorSnapshot[];
  /** The agent reported more modules than the cap: those past it are not in `modules`. */
  readonly modulesTruncated: boolean;
}

interface AgentRecord {
  id: string;
  url: string;
  discovered: boolean;
  explicit: boolean;
  info: AgentInfo | undefined;
  state: ConnectionState;
  lastError: string | undefined;
  failures: number;
  connectedAt: string | undefined;
  modules: Map<string, ModuleInfo>;
  modulesTruncated: boolean;
  processes: Map<string, ProcessInfo>;
  supervisors: Map<string, SupervisorInfo>;
  snapshot: AgentSnapshot | undefined;
}

/** The default cap on the modules kept per agent: the benchmarks go to 5,000. */
export const DEFAULT_MAX_MODULES_PER_AGENT = 10_000;

export type AgentFacts = Partial<
  Pick<AgentRecord, 'discovered' | 'explicit' | 'info' | 'state' | 'lastError' | 'failures' | 'connectedAt'>
>;

const byId = new Intl.Collator('en', { numeric: true });

/** The mutable model behind the snapshots. Every mutator returns whether anything changed. */
export class LiveModel {
  readonly #agents = new Map<string, AgentRecord>();
  #snapshot: readonly AgentSnapshot[] | undefined;
  /** By the reported module each is a copy of (see #moduleSnapshot). */
  readonly #moduleSnapshots = new WeakMap<ModuleInfo, ModuleSnapshot>();
  /** By the report each is a copy of (see #frozenCopy). */
  readonly #copies = new WeakMap<object, object>();

  constructor(readonly maxModulesPerAgent = DEFAULT_MAX_MODULES_PER_AGENT) {}

  has(id: string): boolean {
    return this.#agents.has(id);
  }

  add(id: string, url: string, facts: AgentFacts = {}): void {
    this.#agents.set(id, {
      id,
      url,
      discovered: false,
      explicit: false,
      info: undefined,
      state: 'connecting',
      lastError: undefined,
      failures: 0,
      connectedAt: undefined,
      modules: new Map(),
      modulesTruncated: false,
      processes: new Map(),
      supervisors: new Map(),
      snapshot: undefined,
      ...facts,
    });
    this.#snapshot = undefined;
  }

  remove(id: string): boolean {
    const removed = this.#agents.delete(id);
    if (removed) this.#snapshot = undefined;
    return removed;
  }

  /** Changes the given facts; fields given as undefined are cleared. */
  update(id: string, facts: AgentFacts): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    let changed = false;
    for (const [key, value] of Object.entries(facts) as [keyof AgentFacts, unknown][]) {
      if (agent[key] === value) continue;
      (agent as unknown as Record<string, unknown>)[key] = value;
      changed = true;
    }
    if (changed) this.#touch(agent);
    return changed;
  }

  /** The whole module list, from `agent/modules`. */
  setModules(id: string, modules: ModuleInfo[]): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    agent.modules = new Map(modules.slice(0, this.maxModulesPerAgent).map((m) => [m.file, m]));
    agent.modulesTruncated = modules.length > agent.modules.size;
    this.#touch(agent);
    return true;
  }

  /** Whether the agent reported more modules than the cap. */
  modulesTruncated(id: string): boolean {
    return this.#agents.get(id)?.modulesTruncated === true;
  }

  /** Whether the agent's module from `file` is kept (false past the cap). */
  hasModule(id: string, file: string): boolean {
    return this.#agents.get(id)?.modules.has(file) === true;
  }

  /** A module as `agent/moduleLoaded`, `agent/modulePurged` or a load/commit result reports it. */
  setModule(id: string, module: ModuleInfo): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    if (!agent.modules.has(module.file) && agent.modules.size >= this.maxModulesPerAgent) {
      if (agent.modulesTruncated) return false;
      agent.modulesTruncated = true;
      this.#touch(agent);
      return true;
    }
    agent.modules.set(module.file, module);
    this.#touch(agent);
    return true;
  }

  /**
   * Processes from `agent/processes`: all of them, or with `file` only those of that module
   * (the others are left as they are).
   */
  setProcesses(id: string, processes: ProcessInfo[], file?: string): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    if (file === undefined) {
      agent.processes = new Map(processes.map((p) => [p.id, p]));
    } else {
      for (const [key, process] of agent.processes) if (process.file === file) agent.processes.delete(key);
      for (const process of processes) agent.processes.set(process.id, process);
    }
    this.#touch(agent);
    return true;
  }

  /** Whether the agent's module from `file` has processes (as the model knows them). */
  hasProcessesIn(id: string, file: string): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    for (const process of agent.processes.values()) if (process.file === file) return true;
    return false;
  }

  /** `agent/processStarted` and `agent/processChanged`: the process as it is now. */
  setProcess(id: string, process: ProcessInfo): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    agent.processes.set(process.id, process);
    this.#touch(agent);
    return true;
  }

  /** `agent/processExited`. */
  processExited(id: string, process: ProcessInfo): boolean {
    const agent = this.#agents.get(id);
    if (!agent || !agent.processes.delete(process.id)) return false;
    this.#touch(agent);
    return true;
  }

  /** Every supervisor, from `agent/supervisors`. */
  setSupervisors(id: string, supervisors: SupervisorInfo[]): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    agent.supervisors = new Map(supervisors.map((s) => [s.id, s]));
    this.#touch(agent);
    return true;
  }

  /** `agent/supervisorStarted` and `agent/supervisorChanged`. */
  setSupervisor(id: string, supervisor: SupervisorInfo): boolean {
    const agent = this.#agents.get(id);
    if (!agent) return false;
    agent.supervisors.set(supervisor.id, supervisor);
    this.#touch(agent);
    return true;
  }

  /** `agent/supervisorExited`. */
  supervisorExited(id: string, supervisor: SupervisorInfo): boolean {
    const agent = this.#agents.get(id);
    if (!agent || !agent.supervisors.delete(supervisor.id)) return false;
    this.#touch(agent);
    return true;
  }

  /** Every agent, sorted by app name, then pid, then URL. */
  agents(): readonly AgentSnapshot[] {
    this.#snapshot ??= Object.freeze(
      [...this.#agents.values()]
        .map((agent) => this.#agentSnapshot(agent))
        .sort(
          (a, b) =>
            byId.compare(a.info?.appName ?? '', b.info?.appName ?? '') ||
            (a.info?.pid ?? 0) - (b.info?.pid ?? 0) ||
            byId.compare(a.url, b.url),
        ),
    );
    return this.#snapshot;
  }

  agent(id: string): AgentSnapshot | undefined {
    const agent = this.#agents.get(id);
    return agent && this.#agentSnapshot(agent);
  }

  #touch(agent: AgentRecord): void {
    agent.snapshot = undefined;
    this.#snapshot = undefined;
  }

  #agentSnapshot(agent: AgentRecord): AgentSnapshot {
    if (agent.snapshot) return agent.snapshot;
    const processes = [...agent.processes.values()].map((p) => this.#frozenCopy(p));
    processes.sort((a, b) => byId.compare(a.id, b.id));
    const byFile = new Map<string, ProcessInfo[]>();
    for (const process of processes) {
      if (process.file === undefined) continue;
      const inFile = byFile.get(process.file);
      if (inFile) inFile.push(process);
      else byFile.set(process.file, [process]);
    }
    const modules = [...agent.modules.values()]
      .sort((a, b) => byId.compare(a.file, b.file))
      .map((m) => this.#moduleSnapshot(m, byFile.get(m.file) ?? []));
    agent.snapshot = Object.freeze({
      id: agent.id,
      url: agent.url,
      discovered: agent.discovered,
      explicit: agent.explicit,
      info: agent.info && deepFreeze(structuredClone(agent.info)),
      state: agent.state,
      lastError: agent.lastError,
      failures: agent.failures,
      connectedAt: agent.connectedAt,
      modules: Object.freeze(modules),
      processes: Object.freeze(processes),
      supervisors: deepFreeze(supervisorSnapshots(agent.supervisors.values(), agent.processes)),
      modulesTruncated: agent.modulesTruncated,
    });
    return agent.snapshot;
  }

  /**
   * A module's snapshot, the same object while its info and its processes are: one load
   * changes one module, and the others' copies are not made again (an app of thousands of
   * modules, into each of its instances at every save: issue 13).
   */
  #moduleSnapshot(module: ModuleInfo, processes: readonly ProcessInfo[]): ModuleSnapshot {
    const kept = this.#moduleSnapshots.get(module);
    if (kept && kept.processes.length === processes.length && kept.processes.every((p, i) => p === processes[i])) {
      return kept;
    }
    const snapshot: ModuleSnapshot = deepFreeze({
      ...structuredClone(module),
      processes: Object.freeze([...processes]),
    });
    this.#moduleSnapshots.set(module, snapshot);
    return snapshot;
  }

  /** A frozen copy of what an agent reported, made once per report (the model never changes a report it keeps). */
  #frozenCopy<T extends object>(reported: T): T {
    let copy = this.#copies.get(reported) as T | undefined;
    if (!copy) this.#copies.set(reported, (copy = deepFreeze(structuredClone(reported))));
    return copy;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
