/**
 * One server process (a gen_server): a mailbox handled serially — an async handler finishes
 * before the next message starts — and a state that only its handlers and upgrades touch.
 *
 * Suspension (sys:suspend) stops taking messages once the running handler finishes; new
 * messages queue. That is how an upgrade changes code and state with nothing lost and
 * nothing handled twice.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AnySpec, ExitReason, From, ServerDefinition } from './define-server';

/** A module version as the process runtime sees it: identity plus its vsn. */
export interface VersionRef {
  readonly info: { readonly vsn: string; readonly seq: number };
}

/** Where a process finds the callbacks its server has now (the module's current version). */
export interface SpecSource {
  current(definition: ServerDefinition): { spec: AnySpec; version: VersionRef | undefined } | undefined;
}

export type ProcessStatus = 'running' | 'suspended' | 'dead';

/**
 * The process whose handler is running, through its awaits too: it tells a callee who called
 * (From.process) and catches a process calling itself, which could never be answered.
 */
export const runningProcess = new AsyncLocalStorage<ServerProcess>();

/**
 * Messages are handled in microtasks, so callers that answer every reply with a new call
 * would starve I/O and timers forever. All processes share a budget per event-loop turn;
 * past it, handlers wait for the next turn (as Erlang's scheduler preempts by reductions).
 */
const MESSAGES_PER_TURN = 1000;
let handledThisTurn = 0;
let resetScheduled = false;

function overBudget(): boolean {
  if (!resetScheduled) {
    resetScheduled = true;
    setImmediate(() => {
      handledThisTurn = 0;
      resetScheduled = false;
    });
  }
  return ++handledThisTurn > MESSAGES_PER_TURN;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type Envelope =
  | { kind: 'init'; args: unknown }
  | { kind: 'call'; message: unknown; from: From; resolve(reply: unknown): void; reject(error: Error): void }
  | { kind: 'cast' | 'info'; message: unknown }
  | { kind: 'system'; run(process: ServerProcess): void };

/** Raised to callers whose call cannot be answered. */
export class ProcessError extends Error {
  constructor(
    message: string,
    readonly reason: 'noproc' | 'timeout' | 'exit' | 'self',
  ) {
    super(message);
    this.name = 'ProcessError';
  }
}

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

  readonly #mailbox: Envelope[] = [];
  #head = 0;
  #running = false;
  #suspended = false;
  #idleWaiters: (() => void)[] = [];
  #monitors: ((reason: ExitReason) => void)[] = [];
  /** The message whose handler is running, so a kill can answer its caller. */
  #current: Envelope | undefined;

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
    this.#enqueue({ kind: 'init', args });
  }

  get mailboxSize(): number {
    return this.#mailbox.length - this.#head;
  }

  get busy(): boolean {
    return this.#running;
  }

  get initialized(): boolean {
    return this.#initialized;
  }
  #initialized = false;

  call(message: unknown, timeoutMs: number, from: From = {}): Promise<unknown> {
    if (this.status === 'dead') return Promise.reject(new ProcessError(`${this.id} is not alive`, 'noproc'));
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === Infinity
          ? undefined
          : setTimeout(
              () => reject(new ProcessError(`call to ${this.id} timed out after ${timeoutMs} ms`, 'timeout')),
              timeoutMs,
            );
      this.#enqueue({
        kind: 'call',
        message,
        from,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  cast(message: unknown): void {
    if (this.status !== 'dead') this.#enqueue({ kind: 'cast', message });
  }

  info(message: unknown): void {
    if (this.status !== 'dead') this.#enqueue({ kind: 'info', message });
  }

  /** Runs `run` between messages, in mailbox order (Erlang's system messages). */
  system(run: (process: ServerProcess) => void): void {
    if (this.status !== 'dead') this.#enqueue({ kind: 'system', run });
  }

  /** Calls `onExit` once when this process ends (Erlang's monitor); at once if it already has. */
  monitor(onExit: (reason: ExitReason) => void): void {
    if (this.status === 'dead') onExit(this.exitReason!);
    else this.#monitors.push(onExit);
  }

  /** Stops taking messages; resolves once no handler is running. */
  suspend(): Promise<void> {
    this.#suspended = true;
    if (this.status === 'running') this.status = 'suspended';
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Takes messages again. */
  resume(): void {
    if (this.status === 'dead') return;
    this.#suspended = false;
    this.status = 'running';
    this.#schedule();
  }

  /** Ends the process at once (Erlang's exit(Pid, kill) for 'killed'); a running handler's outcome is dropped. */
  kill(reason: ExitReason = 'killed'): void {
    this.#exit(reason, reason !== 'killed');
  }

  #enqueue(envelope: Envelope): void {
    this.#mailbox.push(envelope);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#running || this.#suspended || this.mailboxSize === 0 || this.status === 'dead') return;
    this.#running = true;
    queueMicrotask(() => void this.#drain());
  }

  #take(): Envelope | undefined {
    const envelope = this.#mailbox[this.#head];
    this.#mailbox[this.#head++] = undefined as unknown as Envelope;
    if (this.#head > 1024 && this.#head * 2 > this.#mailbox.length) {
      this.#mailbox.splice(0, this.#head);
      this.#head = 0;
    }
    return envelope;
  }

  async #drain(): Promise<void> {
    while (!this.#suspended && this.mailboxSize > 0 && this.status !== 'dead') {
      if (overBudget()) {
        await nextTurn();
        if (this.#suspended || this.#isDead()) break;
      }
      const envelope = this.#take()!;
      if (envelope.kind === 'system') {
        envelope.run(this);
        continue;
      }
      const resolved = this.source.current(this.definition);
      if (!resolved) {
        this.#crash(
          new Error(`server '${this.definition.key}' is no longer defined in ${this.definition.file}`),
          envelope,
        );
        break;
      }
      // After a plain load (Erlang's l(Mod)) the next message runs the current version's callbacks.
      this.boundVersion = resolved.version;
      this.handlerVersion = resolved.version;
      this.handlerSince = performance.now();
      this.handlerKind = envelope.kind;
      this.#current = envelope;
      try {
        const outcome = runningProcess.run(this, () => dispatch(resolved.spec, envelope, this.state));
        const settled = isPromise(outcome) ? await outcome : outcome;
        if (this.#isDead()) break; // killed while awaiting: the result belongs to nobody
        this.#apply(envelope, settled);
      } catch (error) {
        if (!this.#isDead()) this.#crash(error, envelope);
        break;
      } finally {
        this.handlerVersion = undefined;
        this.handlerKind = undefined;
        this.#current = undefined;
      }
    }
    this.#running = false;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** (A method, not a field test: the status may change during an await.) */
  #isDead(): boolean {
    return this.status === 'dead';
  }

  #apply(envelope: Envelope, outcome: unknown): void {
    switch (envelope.kind) {
      case 'init':
        this.state = outcome;
        this.#initialized = true;
        return;
      case 'call': {
        const result = outcome as { reply: unknown; state: unknown } | undefined;
        if (!result || typeof result !== 'object' || !('state' in result)) {
          throw new TypeError(`handleCall of ${this.id} must return { reply, state }`);
        }
        this.state = result.state;
        envelope.resolve(result.reply);
        return;
      }
      default:
        this.state = outcome;
    }
  }

  #crash(error: unknown, envelope: Envelope): void {
    const message = error instanceof Error ? error.message : String(error);
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
    const pending = [...(this.#current ? [this.#current] : []), ...this.#mailbox.slice(this.#head)];
    this.#current = undefined;
    this.#mailbox.length = 0;
    this.#head = 0;
    for (const envelope of pending) {
      if (envelope.kind === 'call')
        envelope.reject(new ProcessError(`${this.id} exited: ${describeReason(reason)}`, 'exit'));
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

function dispatch(spec: AnySpec, envelope: Envelope, state: unknown): unknown {
  switch (envelope.kind) {
    case 'init':
      return spec.init(envelope.args);
    case 'call':
      if (!spec.handleCall) throw new Error('the server has no handleCall');
      return spec.handleCall(envelope.message, state, envelope.from);
    case 'cast':
      if (!spec.handleCast) throw new Error('the server has no handleCast');
      return spec.handleCast(envelope.message, state);
    case 'info':
      return spec.handleInfo ? spec.handleInfo(envelope.message, state) : state;
    case 'system':
      throw new Error('unreachable');
  }
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as Promise<unknown> | undefined)?.then === 'function';
}

/** 'a call', 'a cast', 'an info' — as users read it in messages. */
export function describeWork(kind: string | undefined): string {
  if (kind === undefined) return 'a message';
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

export function describeReason(reason: ExitReason): string {
  return typeof reason === 'string' ? reason : reason.error;
}
