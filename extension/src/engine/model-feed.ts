/**
 * What one connection to an agent feeds into the LiveModel: the first read of modules,
 * processes and supervisors, then the agent's notifications, and the re-reads that
 * notifications call for (a module's processes after a load or a purge, when it has any, or
 * after many changes at once).
 * Everything it learns after its connection was replaced is dropped (`live()`).
 */
import type { ModuleInfo } from 'hotpatch-agent/protocol';
import type { AgentClient } from './agent-client';
import type { LiveModel } from './live-model';

export interface ModelFeedOptions {
  model: LiveModel;
  /** The agent's key in the model. */
  agentId: string;
  client: AgentClient;
  /** Whether this connection is still the agent's current one. */
  live: () => boolean;
  /** The model of the agent changed. */
  changed: () => void;
  log: (message: string) => void;
}

export class ModelFeed {
  /** Per module file: a re-read of its processes is running, or must run again when it ends. */
  readonly #refreshes = new Map<string, 'running' | 'again'>();

  constructor(readonly options: ModelFeedOptions) {
    const { model, agentId: id, client } = options;
    const onModule = (module: ModuleInfo): void => {
      if (!options.live()) return;
      const wasTruncated = model.modulesTruncated(id);
      this.#apply(model.setModule(id, module));
      // A module past the cap is not kept: nothing of it to refresh. Nor is a module without
      // processes: one a load starts is told of (`processStarted`, before this notification).
      if (model.hasModule(id, module.file)) {
        if (model.hasProcessesIn(id, module.file)) this.refreshProcesses(module.file);
      } else if (!wasTruncated) {
        options.log(
          `${client.url}: more than ${model.maxModulesPerAgent} hot modules; the ones past that are not shown`,
        );
      }
    };
    client.on('moduleLoaded', onModule);
    client.on('modulePurged', onModule);
    const follow = <A extends unknown[]>(apply: (...args: A) => boolean) => {
      return (...args: A): void => {
        if (options.live()) this.#apply(apply(...args));
      };
    };
    client.on(
      'processStarted',
      follow((process) => model.setProcess(id, process)),
    );
    client.on(
      'processChanged',
      follow((process) => model.setProcess(id, process)),
    );
    client.on(
      'processExited',
      follow((process) => model.processExited(id, process)),
    );
    client.on('processesChanged', (files) => {
      if (options.live()) for (const file of files) this.refreshProcesses(file);
    });
    client.on(
      'supervisorStarted',
      follow((supervisor) => model.setSupervisor(id, supervisor)),
    );
    client.on(
      'supervisorChanged',
      follow((supervisor) => model.setSupervisor(id, supervisor)),
    );
    client.on(
      'supervisorExited',
      follow((supervisor) => model.supervisorExited(id, supervisor)),
    );
  }

  #apply(changed: boolean): void {
    if (changed) this.options.changed();
  }

  /**
   * Replaces modules, processes and supervisors with the agent's answers. The requests go out
   * at once; each answer is applied as soon as it arrives, before any later notification is
   * handled (the agent sends answers and notifications in order on the one socket), so
   * notifications that arrive meanwhile are neither lost nor overwritten by older answers.
   * Resolves once modules and processes are read: supervisors are shown, not needed, so an
   * agent slow to list them, or one that cannot (an older one answers -32601), still serves,
   * and its tree shows none.
   */
  async readAll(): Promise<void> {
    const { model, agentId: id, client, live } = this.options;
    client.supervisors().then(
      (supervisors) => live() && this.#apply(model.setSupervisors(id, supervisors)),
      (error: unknown) => {
        if (live()) this.options.log(`${client.url}: its supervisors could not be read: ${String(error)}`);
      },
    );
    await Promise.all([
      client.modules().then((modules) => live() && this.#apply(model.setModules(id, modules))),
      client.processes().then((processes) => live() && this.#apply(model.setProcesses(id, processes))),
    ]);
  }

  /**
   * A load or purge changes which version a module's processes run (and whether they run old
   * code) without a process notification: read that module's processes again. One read per
   * module at a time; a change during a read asks for one more.
   */
  refreshProcesses(file: string): void {
    if (this.#refreshes.has(file)) {
      this.#refreshes.set(file, 'again');
      return;
    }
    this.#refreshes.set(file, 'running');
    const { model, agentId: id, client, live } = this.options;
    void (async () => {
      try {
        do {
          this.#refreshes.set(file, 'running');
          const processes = await client.processes(file);
          if (!live()) return;
          this.#apply(model.setProcesses(id, processes, file));
        } while (this.#refreshes.get(file) === 'again');
      } catch {
        // The connection dropped: a reconnection reads everything again.
      } finally {
        this.#refreshes.delete(file);
      }
    })();
  }
}
