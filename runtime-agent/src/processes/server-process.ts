/**
 * One server process (a gen_server): a mailbox handled serially — an async handler finishes
 * before the next message starts — and a state that only its handlers and upgrades touch.
 *
 * Suspension (sys:suspend) stops taking messages once the running handler finishes; new
 * messages queue. That is how an upgrade changes code and state with nothing lost and
 * nothing handled twice.
 */
import type { AnySpec, ExitReason, From, ServerDefinition } from './define-server';
import {
  ProcessError,
  describeReason,
  describeWork,
  dispatch,
  isPromise,
  nextTurn,
  overBudget,
  runningProcess,
  Mailbox,
  callEnvelope,
  systemEnvelope,
  type CallEnvelope,
  type Envelope,
  type SystemEnvelope,
} from './mailbox';
import { awaitingReply, readOutcome } from './callback-results';
import { errorMessage } from '../error-message';

export { ProcessError, describeReason, describeWork, runningProcess } from './mailbox';

/** A module version as the process runtime sees it: identity plus its vsn. */
export interface VersionRef {
  readonly info: { readonly vsn: string; readonly seq: number };
}

/** Where a process finds the callbacks its server has now (the module's current version). */
export interface SpecSource {
  current(definition: ServerDefinition): { spec: AnySpec; version: VersionRef | undefined } | undefined;
}

export type ProcessStatus = 'running' | 'suspended' | 'dead';

export class ServerProcess {
  status: ProcessStatus = 'running';
  state: unknown = undefined;
  /** The version whose callbacks this process uses; changes at upgrades (or lazily after a plain load). */
  boundVersion: VersionRef | undefined;
  /** The version whose handler is running now, and since when (performance.now()). */
  handlerVersion: VersionRef | undefined;
  handlerSince = 0;
  /** What the running handler is handling, for error messages. */
  handlerKind: Envelope['kind'] | undefined;
  exitReason: ExitReason | undefined;
  /**
   * Killed to be started again (a restart plan: OTP's terminate_child + restart_child), not
   * crashed: its supervisor restarts it without counting the exit toward restart intensity.
   */
  restartRequested = false;

  readonly #mailbox = new Mailbox();
  /** A drain is scheduled or running (a handler may be at an await). */
  #running = false;
  /** Suspended by an upgrade (resume() ends it). */
  #suspended = false;
  /** Suspended by sys (sysSuspend(); only sysResume() ends it, not an upgrade's resume). */
  #sysSuspended = false;
  /** System messages that arrived while suspended, run as soon as no handler is running. */
  #system: SystemEnvelope[] = [];
  #idleWaiters: (() => void)[] = [];
  #monitors: ((reason: ExitReason) => void)[] = [];
  #startWaiters: { resolve(): void; reject(error: Error): void }[] = [];
  /** Calls its handleCall deferred (noreply) and has not answered yet: failed if it exits. */
  readonly #deferred = new Set<CallEnvelope>();
  /** The message whose handler is running, so a kill can answer its caller. */
  #current: Envelope | undefined;
  #initialized = false;
  /** Called when who holds it suspended changes (set by the process table). */
  onSuspensionChange: ((process: ServerProcess) => void) | undefined;

  constructor(
    readonly id: string,
    readonly name: string | undefined,
    readonly definition: ServerDefinition,
    readonly source: SpecSource,
    /** Called once when the process ends. */
    private readonly onExit: (process: ServerProcess, reason: ExitReason) => void,
    args: unknown,
    startSuspended: boolean,
  ) {
    this.#suspended = startSuspended;
    if (startSuspended) this.status = 'suspended';
    // Not scheduled: start() runs it (at once, or on resume when suspended).
    this.#mailbox.push({ kind: 'init', args });
  }

  get mailboxSize(): number {
    return this.#mailbox.size;
  }

  get busy(): boolean {
    return this.#running;
  }

  get initialized(): boolean {
    return this.#initialized;
  }

  /** Who holds this process suspended: sys (agent/suspend), an upgrade, or both. */
  get suspendedBy(): ('sys' | 'upgrade')[] {
    return [...(this.#sysSuspended ? ['sys' as const] : []), ...(this.#suspended ? ['upgrade' as const] : [])];
  }

  get #held(): boolean {
    return this.#suspended || this.#sysSuspended;
  }

  /**
   * Runs init, as gen_server's start_link does before it returns: a synchronous init runs now,
   * and one that throws makes this throw (the process has exited with the reason). An async
   * init goes on in the background (whenStarted() tells how it ended); a process spawned
   * suspended (during an upgrade of its module) inits when resumed, on the new code.
   */
  start(): void {
    if (this.#held || this.#running || this.status === 'dead') return;
    this.#running = true;
    const step = this.#handle(this.#mailbox.take()!);
    if (typeof step !== 'boolean') {
      void step.then((goOn) => (goOn ? this.#drain() : this.#idle()));
      return;
    }
    this.#running = false;
    if (!step) {
      const reason = describeReason(this.exitReason ?? 'killed');
      throw new ProcessError(`${this.id} did not start: ${reason}`, 'init');
    }
    this.#schedule();
  }

  /** Resolves once init has returned; rejects with the reason if the process exits before. */
  whenStarted(): Promise<void> {
    if (this.#initialized) return Promise.resolve();
    if (this.status === 'dead') {
      return Promise.reject(new ProcessError(`${this.id} did not start: ${describeReason(this.exitReason!)}`, 'init'));
    }
    return new Promise((resolve, reject) => this.#startWaiters.push({ resolve, reject }));
  }

  call(message: unknown, timeoutMs: number, from: From = {}): Promise<unknown> {
    if (this.status === 'dead') return Promise.reject(new ProcessError(`${this.id} is not alive`, 'noproc'));
    const { envelope, reply } = callEnvelope(this.id, message, from, timeoutMs);
    this.#enqueue(envelope);
    return reply;
  }

  cast(message: unknown): void {
    if (this.status !== 'dead') this.#enqueue({ kind: 'cast', message });
  }

  info(message: unknown): void {
    if (this.status !== 'dead') this.#enqueue({ kind: 'info', message });
  }

  /**
   * Runs `run` between two messages (Erlang's system messages): in mailbox order while the
   * process runs; while it is suspended, at once (or when its running handler finishes),
   * ahead of the queued messages, as OTP's suspended loop handles only system messages.
   */
  system<T>(run: (process: ServerProcess) => T): Promise<T> {
    if (this.status === 'dead') return Promise.reject(new ProcessError(`${this.id} is not alive`, 'noproc'));
    const { envelope, result } = systemEnvelope(() => run(this));
    if (!this.#held) this.#enqueue(envelope);
    else if (this.#current === undefined) envelope.run();
    else this.#system.push(envelope);
    return result;
  }

  /** Calls `onExit` once when this process ends (Erlang's monitor); at once if it already has. */
  monitor(onExit: (reason: ExitReason) => void): void {
    if (this.status === 'dead') onExit(this.exitReason!);
    else this.#monitors.push(onExit);
  }

  /** Stops taking messages (an upgrade's suspend); resolves once no handler is running. */
  suspend(): Promise<void> {
    this.#setHold('upgrade', true);
    return this.#hold();
  }

  /** Takes messages again after an upgrade; a process suspended by sys stays suspended. */
  resume(): void {
    this.#setHold('upgrade', false);
    this.#release();
  }

  /** sys:suspend: stops taking messages until sysResume(); resolves once no handler is running. */
  sysSuspend(): Promise<void> {
    this.#setHold('sys', true);
    return this.#hold();
  }

  /** sys:resume. */
  sysResume(): void {
    this.#setHold('sys', false);
    this.#release();
  }

  /** Sets one hold; a change is told to the table (and so to the agent's clients, a turn later). */
  #setHold(by: 'sys' | 'upgrade', held: boolean): void {
    const was = by === 'sys' ? this.#sysSuspended : this.#suspended;
    if (by === 'sys') this.#sysSuspended = held;
    else this.#suspended = held;
    if (was !== held && this.status !== 'dead') this.onSuspensionChange?.(this);
  }

  #hold(): Promise<void> {
    if (this.status === 'running') this.status = 'suspended';
    // System messages queued behind user messages jump the queue now (OTP's selective receive).
    for (const envelope of this.#mailbox.takeSystem()) this.#system.push(envelope);
    if (this.#current === undefined) this.#runSystem();
    if (!this.#running || this.status === 'dead') return Promise.resolve(); // (a dead one never goes idle)
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #release(): void {
    if (this.status === 'dead' || this.#held) return;
    this.status = 'running';
    if (!this.#initialized && this.#mailbox.peek()?.kind === 'init' && !this.#running) {
      // Spawned suspended: init now, on the code current after the upgrade. A failure is an exit.
      try {
        this.start();
      } catch {
        // The exit (init failed) reaches monitors and whenStarted(); nobody waits on start() here.
      }
      return;
    }
    this.#schedule();
  }

  /** Ends the process at once (Erlang's exit(Pid, kill) for 'killed'); a running handler's outcome is dropped. */
  kill(reason: ExitReason = 'killed', options: { restart?: boolean } = {}): void {
    if (this.status === 'dead') return;
    this.restartRequested = options.restart ?? false;
    this.#exit(reason, reason !== 'killed');
  }

  #enqueue(envelope: Envelope): void {
    this.#mailbox.push(envelope);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#running || !this.#canTake() || this.status === 'dead') return;
    this.#running = true;
    queueMicrotask(() => void this.#drain());
  }

  /** Handles messages until the mailbox is empty, the process is suspended, or it died. */
  async #drain(): Promise<void> {
    while (this.#canTake() && !this.#isDead()) {
      if (overBudget()) {
        await nextTurn();
        continue;
      }
      const step = this.#handle(this.#mailbox.take()!);
      if (!(typeof step === 'boolean' ? step : await step)) break;
    }
    this.#idle();
  }

  /**
   * A message to handle now: any while it runs; while suspended, only a handleContinue, which
   * belongs to the handler before it (OTP runs it before reading its mailbox again).
   */
  #canTake(): boolean {
    const next = this.#mailbox.peek();
    return next !== undefined && (!this.#held || next.kind === 'continue');
  }

  #idle(): void {
    this.#running = false;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Handles one message: synchronously when its handler is synchronous, else through the
   * handler's promise. True when the process goes on; false when it has died.
   */
  #handle(envelope: Envelope): boolean | Promise<boolean> {
    if (envelope.kind === 'system') {
      envelope.run();
      return true;
    }
    const resolved = this.source.current(this.definition);
    if (!resolved) {
      this.#crash(
        new Error(`server '${this.definition.key}' is no longer defined in ${this.definition.file}`),
        envelope,
      );
      return false;
    }
    // After a plain load (Erlang's l(Mod)) the next message runs the current version's callbacks.
    this.boundVersion = resolved.version;
    this.handlerVersion = resolved.version;
    this.handlerSince = performance.now();
    this.handlerKind = envelope.kind;
    this.#current = envelope;
    let outcome: unknown;
    try {
      outcome = runningProcess().run(this, () => dispatch(resolved.spec, envelope, this.state));
    } catch (error) {
      return this.#finish(envelope, { error });
    }
    if (!isPromise(outcome)) return this.#finish(envelope, { value: outcome });
    return outcome.then(
      (value) => this.#finish(envelope, { value }),
      (error: unknown) => this.#finish(envelope, { error }),
    );
  }

  #finish(envelope: Envelope, outcome: { value: unknown } | { error: unknown }): boolean {
    try {
      if (this.#isDead()) return false; // killed meanwhile: the result belongs to nobody
      if ('error' in outcome) throw outcome.error;
      this.#apply(envelope, outcome.value);
      return true;
    } catch (error) {
      if (!this.#isDead()) this.#crash(error, envelope);
      return false;
    } finally {
      this.handlerVersion = undefined;
      this.handlerKind = undefined;
      this.#current = undefined;
      if (!this.#isDead()) this.#runSystem();
    }
  }

  #runSystem(): void {
    while (this.#system.length > 0 && !this.#isDead()) this.#system.shift()!.run();
  }

  /** (A method, not a field test: the status may change during an await.) */
  #isDead(): boolean {
    return this.status === 'dead';
  }

  #apply(envelope: Envelope, outcome: unknown): void {
    if (envelope.kind === 'system') return;
    const read = readOutcome(envelope.kind, outcome, this.id);
    this.state = read.state;
    // handleContinue runs next, ahead of the mailbox (OTP's {continue, Arg}).
    if (read.continueArg) this.#mailbox.unshift({ kind: 'continue', arg: read.continueArg.arg });
    if (envelope.kind === 'init') {
      this.#initialized = true;
      for (const waiter of this.#startWaiters.splice(0)) waiter.resolve();
    } else if (envelope.kind === 'call') {
      if (read.reply) envelope.resolve(read.reply.value);
      else if (awaitingReply(envelope.from)) {
        // Answered later by reply(from, value); failed with the reason if this process exits first.
        this.#deferred.add(envelope);
        envelope.onSettled = () => this.#deferred.delete(envelope);
      }
    }
  }

  #crash(error: unknown, envelope: Envelope): void {
    const message = errorMessage(error);
    if (envelope.kind === 'call')
      envelope.reject(new ProcessError(`${this.id} crashed handling the call: ${message}`, 'exit'));
    const what = envelope.kind === 'init' ? 'init' : `handling ${describeWork(envelope.kind)}`;
    this.#exit({ error: `${what} failed: ${message}` }, true);
  }

  #exit(reason: ExitReason, runTerminate: boolean): void {
    if (this.status === 'dead') return;
    this.status = 'dead';
    this.exitReason = reason;
    if (runTerminate && this.#initialized) {
      try {
        this.source.current(this.definition)?.spec.terminate?.(reason, this.state);
      } catch {
        // terminate is best effort, as in OTP
      }
    }
    const pending = (this.#current ? [this.#current] : []).concat(this.#mailbox.takeAll(), this.#system.splice(0), [
      ...this.#deferred,
    ]);
    this.#current = undefined;
    const exited = (): ProcessError => new ProcessError(`${this.id} exited: ${describeReason(reason)}`, 'exit');
    for (const envelope of pending) {
      if (envelope.kind === 'call' || envelope.kind === 'system') envelope.reject(exited());
    }
    for (const waiter of this.#startWaiters.splice(0)) {
      waiter.reject(new ProcessError(`${this.id} did not start: ${describeReason(reason)}`, 'init'));
    }
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
    this.onExit(this, reason);
    for (const monitor of this.#monitors.splice(0)) {
      // One failing watcher must not keep the others from hearing of the exit.
      try {
        monitor(reason);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
