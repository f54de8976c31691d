/**
 * Supervisors (OTP's supervisor): start children in order, restart them by strategy when
 * they exit, and give up — stopping every child and exiting themselves, which their own
 * supervisor sees — when restarts exceed `intensity` within `period`. A supervisor whose
 * module is loaded again is upgraded in place (`codeChange`, OTP's supervisor:code_change).
 */
import { EventEmitter } from 'node:events';
import type { ExitReason } from './define-server';
import { describeReason } from './server-process';
import {
  checkChildSpecs,
  checkOptions,
  describeOptionChanges,
  diffChildSpecs,
  type Child,
  type ChildSpec,
  type RestartLimits,
  type SpecDiff,
  type SupervisorOptions,
} from './supervision/child-specs';

export type {
  Child,
  ChildSpec,
  RestartLimits,
  RestartStrategy,
  RestartType,
  SupervisorOptions,
} from './supervision/child-specs';

interface Slot {
  spec: ChildSpec;
  child: Child | undefined;
}

/** What a supervisor's code change did (see Supervisor.codeChange). */
export interface SupervisorChange extends SpecDiff {
  /** The options that changed, as `strategy one_for_one → one_for_all`. */
  options: string[];
  /** Added children whose start failed, with the reason: retried as restarts are. */
  failed: string[];
}

export class Supervisor extends EventEmitter<{
  exit: [ExitReason];
  restart: [string, Child];
  /** A restart of the child failed (start() or init threw); it is tried again. */
  startFailed: [string, string];
}> {
  status: 'running' | 'dead' = 'running';
  /** Its registered name (see supervision/trees.ts), if it has one. */
  readonly name: string | undefined;
  #slots: Slot[];
  readonly #restarts: number[] = [];
  #options: RestartLimits;
  /** Children this supervisor is stopping itself: their exits are not failures. */
  readonly #stopping = new Set<Child>();
  /** Children started with the tree whose async init has not returned: their exit is a failed start. */
  readonly #initializing = new Set<Child>();
  #startingTree = true;

  constructor(children: ChildSpec[], options: SupervisorOptions = {}) {
    super();
    checkChildSpecs(children);
    this.#options = withDefaults(options);
    this.name = options.name;
    this.#slots = children.map((spec) => ({ spec, child: undefined }));
    for (const slot of this.#slots) {
      try {
        this.#start(slot);
      } catch (error) {
        // As a failed start_link ({shutdown, {failed_to_start_child, Id, Reason}}): stop the
        // children already started rather than orphan them, and fail with the reason.
        this.kill('shutdown');
        throw new Error(`failed to start child '${slot.spec.id}': ${messageOf(error)}`, { cause: error });
      }
    }
    this.#startingTree = false;
  }

  /** The strategy, intensity and period it runs with now. */
  get options(): RestartLimits {
    return { ...this.#options };
  }

  /** The child currently running under `id`. */
  child(id: string): Child | undefined {
    return this.#slots.find((s) => s.spec.id === id)?.child;
  }

  get children(): { id: string; child: Child | undefined }[] {
    return this.#slots.map((s) => ({ id: s.spec.id, child: s.child }));
  }

  /** Stops every child (last first) and exits. */
  kill(reason: ExitReason = 'shutdown'): void {
    if (this.status === 'dead') return;
    this.status = 'dead';
    for (const slot of [...this.#slots].reverse()) this.#stopChild(slot);
    this.emit('exit', reason);
  }

  /**
   * OTP's supervisor:code_change, for a supervisor whose module was loaded again (see
   * supervision/trees.ts): the new child specs and options replace the running ones, matched
   * by child id. A child whose id stays keeps running (a changed spec applies at its next
   * start, as in OTP: its state is not thrown away); a child whose id is gone is terminated
   * and its spec deleted; a new id is started, in its place in the new order. None of it
   * counts toward the restart intensity. Throws, changing nothing, on specs or options it
   * cannot run with.
   */
  codeChange(children: ChildSpec[], options: SupervisorOptions = {}): SupervisorChange {
    checkChildSpecs(children);
    checkOptions(options);
    if (this.status === 'dead') throw new Error('the supervisor is not running');
    const diff = diffChildSpecs(
      this.#slots.map((s) => s.spec),
      children,
    );
    const before = this.#options;
    this.#options = withDefaults(options);
    const removed = new Set(diff.removed);
    // Last first, as a supervisor stops its children.
    for (const slot of [...this.#slots].reverse()) if (removed.has(slot.spec.id)) this.#stopChild(slot);
    const running = new Map(this.#slots.map((s) => [s.spec.id, s]));
    this.#slots = children.map((spec) => {
      const slot = running.get(spec.id);
      if (!slot) return { spec, child: undefined };
      slot.spec = spec;
      return slot;
    });
    const failed: string[] = [];
    const added = new Set(diff.added);
    for (const slot of this.#slots) {
      if (!added.has(slot.spec.id)) continue;
      try {
        this.#start(slot);
      } catch (error) {
        failed.push(`${slot.spec.id}: ${messageOf(error)}`);
        this.#tryAgain(slot, error);
      }
    }
    return { ...diff, options: describeOptionChanges(before, this.#options), failed };
  }

  #start(slot: Slot): void {
    const child = slot.spec.start();
    slot.child = child;
    if (child instanceof Supervisor) child.once('exit', (reason) => this.#onChildExit(child, reason));
    else {
      child.monitor((reason) => this.#onChildExit(child, reason));
      if (this.#startingTree && !child.initialized) {
        this.#initializing.add(child);
        child.whenStarted().then(
          () => this.#initializing.delete(child),
          () => undefined, // the exit says it
        );
      }
    }
  }

  #stopChild(slot: Slot): void {
    const child = slot.child;
    slot.child = undefined;
    if (!child || child.status === 'dead') return;
    this.#stopping.add(child);
    child.kill('shutdown');
    this.#stopping.delete(child);
  }

  #onChildExit(child: Child, reason: ExitReason): void {
    if (this.status === 'dead' || this.#stopping.has(child)) return;
    const index = this.#slots.findIndex((s) => s.child === child);
    if (index < 0) return;
    const slot = this.#slots[index]!;
    slot.child = undefined;
    if (!(child instanceof Supervisor) && child.restartRequested) {
      // Killed to be restarted (a restart plan: terminate_child + restart_child), not a crash:
      // it alone starts again, and the exit does not count toward restart intensity.
      this.#initializing.delete(child);
      this.#startAgain(slot);
      return;
    }
    if (this.#initializing.delete(child)) {
      // Its init failed while the tree started: the tree never started (OTP's start_link fails
      // at once), rather than a supervisor crash-looping on a child that cannot start.
      this.kill({ error: `failed to start child '${slot.spec.id}': ${describeReason(reason)}` });
      return;
    }
    const restart = slot.spec.restart ?? 'permanent';
    const clean = reason === 'normal' || reason === 'shutdown';
    if (restart === 'temporary' || (restart === 'transient' && clean)) return;
    this.#restart(slot);
  }

  #startAgain(slot: Slot): void {
    try {
      this.#start(slot);
    } catch (error) {
      this.#tryAgain(slot, error);
      return;
    }
    this.emit('restart', slot.spec.id, slot.child!);
  }

  /** Restarts `slot` and, by the strategy, its siblings; counted toward restart intensity. */
  #restart(slot: Slot, failure?: string): void {
    // (A slot a code change removed meanwhile is gone for good.)
    if (this.status === 'dead' || slot.child || !this.#slots.includes(slot)) return;
    if (!this.#allowRestart()) {
      const last = failure === undefined ? '' : `; the last restart failed: ${failure}`;
      this.kill({
        error: `reached max restart intensity (${this.#options.intensity} in ${this.#options.period} ms)${last}`,
      });
      return;
    }
    const index = this.#slots.indexOf(slot);
    const affected =
      this.#options.strategy === 'one_for_one'
        ? [slot]
        : this.#options.strategy === 'one_for_all'
          ? this.#slots
          : this.#slots.slice(index);
    for (const s of [...affected].reverse()) if (s !== slot) this.#stopChild(s);
    for (const s of affected) {
      // A temporary child is never restarted, not even when a sibling's crash stopped it or
      // when it had already exited (as in OTP, where it leaves the supervisor once it ends).
      if (s.spec.restart === 'temporary') continue;
      try {
        this.#start(s);
      } catch (error) {
        this.#tryAgain(s, error);
        return;
      }
      this.emit('restart', s.spec.id, s.child!);
    }
  }

  /**
   * A start() that threw (or a server whose init threw) during a restart. Thrown on, it would
   * escape into the exiting child's message loop as an unhandled rejection and end the app.
   * As OTP's try_again_restart: the restart is tried again on the next turn, each try counted,
   * until the intensity is spent and the supervisor gives up, naming the child and the error.
   */
  #tryAgain(slot: Slot, error: unknown): void {
    const failure = `could not restart ${slot.spec.id}: ${messageOf(error)}`;
    this.emit('startFailed', slot.spec.id, failure);
    setImmediate(() => this.#restart(slot, failure));
  }

  #allowRestart(): boolean {
    const now = performance.now();
    this.#restarts.push(now);
    while (this.#restarts.length > 0 && now - this.#restarts[0]! > this.#options.period) this.#restarts.shift();
    return this.#restarts.length <= this.#options.intensity;
  }
}

function withDefaults(options: SupervisorOptions): RestartLimits {
  checkOptions(options);
  return {
    strategy: options.strategy ?? 'one_for_one',
    intensity: options.intensity ?? 3,
    period: options.period ?? 5000,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
