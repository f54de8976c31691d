/**
 * The protocol's requests on one server process, after OTP's sys module: read and replace its
 * state (sys:get_state, sys:replace_state), suspend and resume it, and read its status
 * (sys:get_status). See PROTOCOL.md.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import * as protocol from './protocol';
import type { ProcessTable } from './processes/process-table';
import { STATE_LIMITS, renderState } from './processes/render-state';
import { describeWork, type ServerProcess } from './processes/server-process';

type Reply = { process: protocol.ProcessInfo };

export class SysRequests {
  constructor(
    readonly table: ProcessTable,
    readonly describe: (process: ServerProcess) => protocol.ProcessInfo,
  ) {}

  getState(params: protocol.ProcessParams): { process: protocol.ProcessInfo; state: unknown } {
    const process = this.#process(params.process);
    return { process: this.describe(process), state: renderState(process.state, STATE_LIMITS) };
  }

  async replaceState(params: protocol.ReplaceStateParams): Promise<Reply> {
    const process = this.#process(params.process);
    this.#refuseWhileUpgrading(process, 'replace its state');
    // A system message (sys:replace_state): between two messages, in mailbox order while the
    // process runs, and at once while it is suspended. Checked again when it runs: an upgrade
    // that began meanwhile would migrate it, or install its migrated state over it.
    await process.system((p) => {
      this.#refuseWhileUpgrading(p, 'replace its state');
      p.state = params.state;
    });
    return { process: this.describe(process) };
  }

  async suspend(params: protocol.SuspendParams): Promise<Reply> {
    const process = this.#process(params.process);
    const timeoutMs = params.timeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const suspended = await Promise.race([
      process.sysSuspend().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!suspended) {
      // As a failed sys:suspend leaves nothing behind: the process is not left half-suspended.
      process.sysResume();
      throw new ResponseError(
        protocol.AgentErrorCode.SuspendTimeout,
        `${process.id} is still handling ${describeWork(process.handlerKind)} after ${timeoutMs} ms; it was left running`,
      );
    }
    return { process: this.describe(process) };
  }

  resume(params: protocol.ProcessParams): Reply {
    const process = this.#process(params.process);
    process.sysResume();
    return { process: this.describe(process) };
  }

  status(params: protocol.ProcessParams): protocol.ProcessStatusResult {
    const process = this.#process(params.process);
    const result: protocol.ProcessStatusResult = {
      process: this.describe(process),
      state: renderState(process.state, STATE_LIMITS),
      suspendedBy: process.suspendedBy,
      initialized: process.initialized,
    };
    if (process.handlerKind !== undefined && process.handlerKind !== 'system') result.handling = process.handlerKind;
    return result;
  }

  #process(ref: string): ServerProcess {
    const process = this.table.whereis(ref) ?? this.table.get(ref);
    if (!process) throw new ResponseError(protocol.AgentErrorCode.UnknownProcess, `no live process '${ref}'`);
    return process;
  }

  /**
   * An upgrade of the process's module is under way (suspend, migrate, install): a state
   * written now would either be migrated or be replaced by the migrated one, and the client
   * cannot know which shape it needs. Refused, to be sent again once the upgrade is over.
   */
  #refuseWhileUpgrading(process: ServerProcess, what: string): void {
    const file = process.definition.file;
    if (file !== undefined && this.table.upgrading.has(file)) {
      throw new ResponseError(
        protocol.AgentErrorCode.UpgradeInProgress,
        `cannot ${what} of ${process.id}: its module ${file} is being upgraded; send it again once the upgrade is over`,
      );
    }
  }
}
