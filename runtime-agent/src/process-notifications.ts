/**
 * What the agent tells its clients, unasked, about processes and supervisors: starts and exits
 * as they happen, and changes (who holds a process suspended, a supervisor's children) once per
 * event-loop turn with the state the turn left. See the notifications in protocol.ts.
 */
import * as protocol from './protocol';
import type { ProcessTable } from './processes/process-table';
import { describeReason, type ServerProcess } from './processes/server-process';
import { describeSupervisor } from './processes/supervision/describe';
import type { SupervisorTable } from './processes/supervision/supervisor-table';

/** Past this many processes changed in one turn, their modules are named instead (processesChanged). */
export const MAX_PROCESS_CHANGES_PER_TURN = 100;

export interface NotificationSink {
  /** Whether any client would receive a notification now: nothing is described for nobody. */
  listening(): boolean;
  send<P>(type: { method: string }, params: P): void;
  describe(process: ServerProcess): protocol.ProcessInfo;
}

export function notifyProcessChanges(
  processes: ProcessTable,
  supervisors: SupervisorTable,
  sink: NotificationSink,
): void {
  processes.on('started', (process) => {
    if (sink.listening()) sink.send(protocol.processStarted, { process: sink.describe(process) });
  });
  processes.on('exited', (process, reason) => {
    if (sink.listening()) {
      sink.send(protocol.processExited, { process: sink.describe(process), reason: describeReason(reason) });
    }
  });
  const suspensions = new SuspensionChanges(sink);
  processes.on('suspension', (process) => suspensions.add(process));
  supervisors.on('started', (supervisor) => {
    if (sink.listening()) sink.send(protocol.supervisorStarted, { supervisor: describeSupervisor(supervisor) });
  });
  supervisors.on('changed', (supervisor) => {
    if (sink.listening()) sink.send(protocol.supervisorChanged, { supervisor: describeSupervisor(supervisor) });
  });
  supervisors.on('exited', (supervisor, reason) => {
    if (sink.listening()) {
      sink.send(protocol.supervisorExited, {
        supervisor: describeSupervisor(supervisor),
        reason: describeReason(reason),
      });
    }
  });
}

/**
 * Suspensions and resumptions, sent once per process per turn. An upgrade suspends and resumes
 * every process of its modules, possibly 100,000: past MAX_PROCESS_CHANGES_PER_TURN the turn's
 * changes go as one `processesChanged` naming their modules, whose processes clients read again.
 */
class SuspensionChanges {
  readonly #changed = new Set<ServerProcess>();
  #flush: NodeJS.Immediate | undefined;

  constructor(readonly sink: NotificationSink) {}

  add(process: ServerProcess): void {
    if (!this.sink.listening()) return;
    this.#changed.add(process);
    if (this.#flush) return;
    // (Not unref'd: an unref'd immediate waits for the next I/O event, seconds in an idle app.)
    this.#flush = setImmediate(() => this.#send());
  }

  #send(): void {
    this.#flush = undefined;
    // An exit in the same turn was told by processExited.
    const changed = [...this.#changed].filter((p) => p.status !== 'dead');
    this.#changed.clear();
    if (!this.sink.listening()) return;
    const many = changed.length > MAX_PROCESS_CHANGES_PER_TURN;
    const files = new Set<string>();
    for (const process of changed) {
      const file = process.definition.file;
      if (many && file !== undefined) files.add(file);
      else this.sink.send(protocol.processChanged, { process: this.sink.describe(process) });
    }
    if (files.size > 0) this.sink.send(protocol.processesChanged, { files: [...files] });
  }
}
