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
  onlySpec,
  withDefaults,
  type Child,
  type ChildInfo,
  type ChildSpec,
  type RestartLimits,
  type SupervisorChange,
  type SupervisorOptions,
} from './supervision/child-specs';
import { errorMessage } from '../error-message';
import { SupervisorError, describeRef } from './supervision/errors';
import {
  childSlots,
  countChildren,
  whichChildren,
  type ChildCounts,
  type ChildSlot,
  type Slot,
} from './supervision/which-children';
import { RestartIntensity, childrenToRestart } from './supervision/intensity';
import { whileStartingChild } from './supervision/starting-child';
import { DEFAULT_SHUTDOWN_MS, shutdownProcess } from './supervision/shutdown';
import { supervisorTable } from './supervision/supervisor-table';

export { SupervisorError } from './supervision/errors';

export class Supervisor extends EventEmitter<{
  exit: [ExitReason];
  restart: [string, Child];
  /** A restart of the child failed (start() or init threw); it is tried again. */
  startFailed: [string, string];
  /** Its children or options changed: a start, an exit, a restart, a code change (see supervisor-table.ts). */
  changed: [];
}> {
  status: 'running' | 'dead' = 'running';
  /** Unique for the life of the app, e.g. `supervisor#2`: how the agent names it. */
  readonly id = supervisorTable().nextId();
  /** Its registered name (see supervision/trees.ts), if it has one. */
  readonly name: string | undefined;
  /** Its children in start order; for simple_one_for_one, the running dynamic children. */
  #slots: Slot[];
  /** simple_one_for_one: the one spec every dynamic child starts from. */
  #template: ChildSpec | undefined;
  readonly #intensity = new RestartIntensity();
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
    if (this.#simple) {
      // Its children are started later, each by startChild(...args), from its one spec.
      this.#template = onlySpec(children);
      this.#slots = [];
      this.#startingTree = false;
      supervisorTable().add(this);
      return;
    }
    this.#slots = children.map((spec) => ({ spec, child: undefined }));
    for (const slot of this.#slots) {
      try {
        this.#start(slot);
      } catch (error) {
        // As a failed start_link ({shutdown, {failed_to_start_child, Id, Reason}}): stop the
        // children already started rather than orphan them, and fail with the reason.
        this.kill('shutdown');
        throw new Error(`failed to start child '${slot.spec.id}': ${errorMessage(error)}`, { cause: error });
      }
    }
    this.#startingTree = false;
    supervisorTable().add(this);
  }

  /** The strategy, intensity and period it runs with now. */
  get options(): RestartLimits {
    return { ...this.#options };
  }

  get #simple(): boolean {
    return this.#options.strategy === 'simple_one_for_one';
  }

  /** The child currently running under `id`. */
  child(id: string): Child | undefined {
    return this.#slots.find((s) => s.spec.id === id)?.child;
  }

  get children(): { id: string; child: Child | undefined }[] {
    return this.#slots.map((s) => ({ id: s.spec.id, child: s.child }));
  }

  /**
   * OTP's start_child. With a spec: adds it and starts its child, in last place; a spec whose
   * id is taken is refused ('already_started' while its child runs, else 'already_present'),
   * and one whose start throws is not kept ('start'). Under simple_one_for_one: starts one
   * more child of its spec, calling its start(...args).
   */
  startChild(spec: ChildSpec): Child;
  startChild(...args: unknown[]): Child;
  startChild(...args: unknown[]): Child {
    this.#alive();
    if (this.#simple) return this.#startNew({ spec: this.#template!, child: undefined, args });
    const spec = args[0] as ChildSpec;
    checkChildSpecs([spec]);
    const taken = this.#slots.find((s) => s.spec.id === spec.id);
    if (taken?.child) throw new SupervisorError(`child '${spec.id}' is already started`, 'already_started');
    if (taken) throw new SupervisorError(`child '${spec.id}' is already present (not running)`, 'already_present');
    return this.#startNew({ spec, child: undefined });
  }

  /**
   * OTP's terminate_child: stops the child (as a shutdown, not a crash: nothing restarts it)
   * and keeps its spec for restartChild, except a temporary child's. Under simple_one_for_one,
   * takes the child itself, and forgets it. Resolves once the child is down: a handler it is
   * running gets until the spec's `shutdown` to finish (see supervision/shutdown.ts).
   */
  terminateChild(idOrChild: string | Child): Promise<void> {
    this.#alive();
    const slot = this.#slots.find((s) =>
      typeof idOrChild === 'string' ? s.spec.id === idOrChild : s.child === idOrChild,
    );
    if (!slot || (this.#simple && typeof idOrChild === 'string')) {
      throw new SupervisorError(`no child ${describeRef(idOrChild)} in this supervisor`, 'not_found');
    }
    const down = this.#shutdownChild(slot);
    if (this.#simple || slot.spec.restart === 'temporary') this.#slots.splice(this.#slots.indexOf(slot), 1);
    return down;
  }

  /** OTP's restart_child: starts a terminated child's spec again ('running' if it runs). */
  restartChild(id: string): Child {
    const slot = this.#stopped(id, 'restart');
    try {
      this.#start(slot);
    } catch (error) {
      throw new SupervisorError(`child '${id}' could not start: ${errorMessage(error)}`, 'start');
    }
    return slot.child!;
  }

  /** OTP's delete_child: forgets a terminated child's spec ('running' if it runs). */
  deleteChild(id: string): void {
    const slot = this.#stopped(id, 'delete');
    this.#slots.splice(this.#slots.indexOf(slot), 1);
    this.emit('changed');
  }

  /** Every child spec with its child, whether its restart is pending, and what it runs as. */
  childSlots(): ChildSlot[] {
    return childSlots(this.#slots);
  }

  /** OTP's which_children: every child spec with its running child, in start order. */
  whichChildren(): ChildInfo[] {
    return whichChildren(this.#slots, this.#simple);
  }

  /** OTP's count_children: specs, running children, and of those the supervisors and the workers. */
  countChildren(): ChildCounts {
    return countChildren(whichChildren(this.#slots, this.#simple), this.#simple);
  }

  #alive(): void {
    if (this.status === 'dead') throw new SupervisorError('the supervisor is not running', 'not_found');
  }

  /** A slot added by startChild: started at once, kept only if it started. */
  #startNew(slot: Slot): Child {
    try {
      this.#start(slot);
    } catch (error) {
      throw new SupervisorError(`child '${slot.spec.id}' could not start: ${errorMessage(error)}`, 'start');
    }
    this.#slots.push(slot);
    return slot.child!;
  }

  /** The slot of a child that is not running, for restartChild and deleteChild. */
  #stopped(id: string, what: string): Slot {
    this.#alive();
    if (this.#simple)
      throw new SupervisorError(`cannot ${what} a child of a simple_one_for_one supervisor`, 'simple_one_for_one');
    const slot = this.#slots.find((s) => s.spec.id === id);
    if (!slot) throw new SupervisorError(`no child '${id}' in this supervisor`, 'not_found');
    if (slot.child) throw new SupervisorError(`child '${id}' is running; terminate it first`, 'running');
    return slot;
  }

  /**
   * Stops every child, last first, each by its spec's shutdown (a running handler may finish
   * first, see supervision/shutdown.ts), and exits with 'shutdown' once all are down: OTP's
   * orderly stop of a supervisor. Nothing is restarted meanwhile.
   */
  async stop(): Promise<void> {
    if (this.status === 'dead') return;
    this.status = 'dead';
    for (const slot of [...this.#slots].reverse()) await this.#shutdownChild(slot);
    this.emit('exit', 'shutdown');
  }

  /** Stops every child at once (last first) and exits. */
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
    const before = this.#options;
    const next = withDefaults(options);
    if (this.#simple || next.strategy === 'simple_one_for_one') return this.#changeTemplate(children, next);
    const diff = diffChildSpecs(
      this.#slots.map((s) => s.spec),
      children,
    );
    this.#options = next;
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
        failed.push(`${slot.spec.id}: ${errorMessage(error)}`);
        this.#tryAgain(slot, error);
      }
    }
    this.emit('changed');
    return { ...diff, options: describeOptionChanges(before, this.#options), failed };
  }

  /** simple_one_for_one's code change (OTP's update_childspec): its dynamic children run on, under the new spec. */
  #changeTemplate(children: ChildSpec[], next: RestartLimits): SupervisorChange {
    if (!this.#simple || next.strategy !== 'simple_one_for_one') {
      throw new TypeError(
        `supervise: a supervisor cannot change between ${this.#options.strategy} and ${next.strategy} in place; restart it`,
      );
    }
    const spec = onlySpec(children);
    const diff = diffChildSpecs([this.#template!], [spec]);
    const options = describeOptionChanges(this.#options, next);
    this.#template = spec;
    this.#options = next;
    for (const slot of this.#slots) slot.spec = spec;
    this.emit('changed');
    return { ...diff, options, failed: [] };
  }

  #start(slot: Slot): void {
    const child = whileStartingChild(() => slot.spec.start(...(slot.args ?? [])));
    slot.child = child;
    slot.restarting = false;
    slot.type = child instanceof Supervisor ? 'supervisor' : 'worker';
    this.emit('changed');
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

  /**
   * Stops a child at once, for a restart by strategy or a kill of the tree: its siblings start
   * again in this same turn, under the same names. (`brutal_kill`: without its terminate.)
   */
  #stopChild(slot: Slot): void {
    const child = slot.child;
    slot.child = undefined;
    if (!child || child.status === 'dead') return;
    this.emit('changed');
    this.#stopping.add(child);
    if (child instanceof Supervisor) child.kill('shutdown');
    else child.kill(slot.spec.shutdown === 'brutal_kill' ? 'killed' : 'shutdown');
    this.#stopping.delete(child);
  }

  /** Stops a child by its spec's shutdown: a running handler may finish first (terminateChild, stop). */
  async #shutdownChild(slot: Slot): Promise<void> {
    const child = slot.child;
    slot.child = undefined;
    if (!child || child.status === 'dead') return;
    this.emit('changed');
    this.#stopping.add(child);
    try {
      if (child instanceof Supervisor) await child.stop();
      else await shutdownProcess(child, slot.spec.shutdown ?? DEFAULT_SHUTDOWN_MS);
    } finally {
      this.#stopping.delete(child);
    }
  }

  #onChildExit(child: Child, reason: ExitReason): void {
    if (this.status === 'dead' || this.#stopping.has(child)) return;
    const index = this.#slots.findIndex((s) => s.child === child);
    if (index < 0) return;
    const slot = this.#slots[index]!;
    slot.child = undefined;
    this.emit('changed');
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
    if (restart === 'temporary' || (restart === 'transient' && clean)) {
      // A dynamic child that ends for good leaves its supervisor (OTP keeps no spec for it).
      if (this.#simple) this.#slots.splice(index, 1);
      return;
    }
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
    if (!this.#intensity.allow(this.#options)) {
      const last = failure === undefined ? '' : `; the last restart failed: ${failure}`;
      this.kill({
        error: `reached max restart intensity (${this.#options.intensity} in ${this.#options.period} ms)${last}`,
      });
      return;
    }
    const affected = childrenToRestart(this.#options.strategy, this.#slots, slot);
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
    const failure = `could not restart ${slot.spec.id}: ${errorMessage(error)}`;
    slot.restarting = true;
    this.emit('changed');
    this.emit('startFailed', slot.spec.id, failure);
    setImmediate(() => this.#restart(slot, failure));
  }
}
