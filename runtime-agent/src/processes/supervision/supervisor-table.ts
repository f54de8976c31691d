/**
 * Every running supervisor of this app, by id: what the agent lists (`agent/supervisors`) and
 * watches (OTP lists a node's supervisors as processes; here they have a table of their own,
 * beside the process table). One table per Node process, kept on a global so every copy of the
 * library shares it.
 *
 * A supervisor reports each change of its children (a start, an exit, a restart, a code
 * change) as it happens; the table passes them on at most once per supervisor per event-loop
 * turn, after the turn's work is done: a one_for_all restart of 100 children is one change.
 * Starts are passed on the same way, so what `supervise()` records after the constructor (the
 * module that started the tree) is known by then; a supervisor that exits within the turn it
 * started in is never announced, nor is its exit.
 */
import { EventEmitter } from 'node:events';
import type { ExitReason } from '../define-server';
import type { Supervisor } from '../supervisor';

export interface SupervisorTableEvents {
  /** A supervisor started: its children are started. */
  started: [Supervisor];
  /** Its children or its options changed (once per turn at most). */
  changed: [Supervisor];
  exited: [Supervisor, ExitReason];
}

export class SupervisorTable extends EventEmitter<SupervisorTableEvents> {
  readonly #byId = new Map<string, Supervisor>();
  #counter = 0;
  /** Supervisors whose start, or change, has not been passed on yet. */
  readonly #started = new Set<Supervisor>();
  readonly #changed = new Set<Supervisor>();
  #flush: NodeJS.Immediate | undefined;

  /** The id of a supervisor being made: unique for the life of the app. */
  nextId(): string {
    return `supervisor#${++this.#counter}`;
  }

  /** Called by a supervisor once its children are started; its exit removes it. */
  add(supervisor: Supervisor): void {
    if (supervisor.status === 'dead') return;
    this.#byId.set(supervisor.id, supervisor);
    supervisor.on('changed', () => this.#touch(supervisor));
    supervisor.once('exit', (reason) => {
      this.#byId.delete(supervisor.id);
      this.#changed.delete(supervisor);
      if (!this.#started.delete(supervisor)) this.emit('exited', supervisor, reason);
    });
    this.#started.add(supervisor);
    this.#schedule();
  }

  get(id: string): Supervisor | undefined {
    return this.#byId.get(id);
  }

  /** Running supervisors, in the order they started. */
  list(): Supervisor[] {
    return [...this.#byId.values()];
  }

  #touch(supervisor: Supervisor): void {
    // Still starting, or announced as started this turn: `started` says it all.
    if (!this.#byId.has(supervisor.id) || this.#started.has(supervisor)) return;
    this.#changed.add(supervisor);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#flush) return;
    this.#flush = setImmediate(() => {
      this.#flush = undefined;
      const started = [...this.#started];
      const changed = [...this.#changed];
      this.#started.clear();
      this.#changed.clear();
      for (const each of started) this.#emitSafely('started', each);
      for (const each of changed) this.#emitSafely('changed', each);
    });
  }

  /** A listener's failure is its own: the app's event loop must not take it. */
  #emitSafely(event: 'started' | 'changed', supervisor: Supervisor): void {
    try {
      this.emit(event, supervisor);
    } catch {
      // (the agent's listeners catch their own; anything else is not the app's end)
    }
  }
}

const TABLE_KEY = Symbol.for('hotpatch-agent.supervisors');

/** This Node process's table of supervisors (shared by every copy of the library). */
export function supervisorTable(): SupervisorTable {
  const holder = globalThis as unknown as Record<symbol, SupervisorTable | undefined>;
  return (holder[TABLE_KEY] ??= new SupervisorTable());
}
