/**
 * What a server process's mailbox holds and how each message reaches its callbacks, apart
 * from the process itself (server-process.ts): the envelopes, the dispatch to the server's
 * callbacks, the per-turn budget shared by every process, and the errors callers see.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { asyncHooks } from '../builtins';
import type { AnySpec, ExitReason, From } from './define-server';
import { answered, expectReply } from './callback-results';
import type { ServerProcess } from './server-process';

/**
 * The process whose handler is running, through its awaits too: it tells a callee who called
 * (From.process) and catches a process calling itself, which could never be answered.
 */
let running: AsyncLocalStorage<ServerProcess> | undefined;
export const runningProcess = (): AsyncLocalStorage<ServerProcess> =>
  (running ??= new (asyncHooks().AsyncLocalStorage)<ServerProcess>());

/**
 * Messages are handled in microtasks, so callers that answer every reply with a new call
 * would starve I/O and timers forever. All processes share a budget per event-loop turn;
 * past it, handlers wait for the next turn (as Erlang's scheduler preempts by reductions).
 */
const MESSAGES_PER_TURN = 1000;
let handledThisTurn = 0;
let resetScheduled = false;

export function overBudget(): boolean {
  if (!resetScheduled) {
    resetScheduled = true;
    setImmediate(() => {
      handledThisTurn = 0;
      resetScheduled = false;
    });
  }
  return ++handledThisTurn > MESSAGES_PER_TURN;
}

export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export type Envelope =
  | { kind: 'init'; args: unknown }
  | {
      kind: 'call';
      message: unknown;
      from: From;
      resolve(reply: unknown): void;
      reject(error: Error): void;
      /** Called once it is answered or failed (a deferred reply's process stops tracking it). */
      onSettled?: () => void;
    }
  | { kind: 'cast' | 'info'; message: unknown }
  /** handleContinue's turn: first in the mailbox, run before anything else (OTP's {continue, Arg}). */
  | { kind: 'continue'; arg: unknown }
  | { kind: 'system'; run(): void; reject(error: Error): void };

/** A call's envelope, and the promise of its reply: rejected with 'timeout' after `timeoutMs`. */
export function callEnvelope(
  id: string,
  message: unknown,
  from: From,
  timeoutMs: number,
): { envelope: CallEnvelope; reply: Promise<unknown> } {
  let envelope!: CallEnvelope;
  const reply = new Promise<unknown>((resolve, reject) => {
    const timer =
      timeoutMs === Infinity
        ? undefined
        : setTimeout(
            () => envelope.reject(new ProcessError(`call to ${id} timed out after ${timeoutMs} ms`, 'timeout')),
            timeoutMs,
          );
    const settle = (): void => {
      clearTimeout(timer);
      answered(from);
      envelope.onSettled?.();
    };
    envelope = {
      kind: 'call',
      message,
      from,
      resolve: (value) => {
        settle();
        resolve(value);
      },
      reject: (error) => {
        settle();
        reject(error);
      },
    };
    // reply(from, value) answers it too, for a handleCall that returns { noreply: true }.
    expectReply(from, envelope.resolve);
  });
  return { envelope, reply };
}

export type SystemEnvelope = Extract<Envelope, { kind: 'system' }>;

/** A system message's envelope (see ServerProcess.system), and the promise of what `run` returns. */
export function systemEnvelope<T>(run: () => T): { envelope: SystemEnvelope; result: Promise<T> } {
  let envelope!: SystemEnvelope;
  const result = new Promise<T>((resolve, reject) => {
    envelope = {
      kind: 'system',
      run: () => {
        try {
          resolve(run());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      reject,
    };
  });
  return { envelope, result };
}
export type CallEnvelope = Extract<Envelope, { kind: 'call' }>;

/** A process's queue of envelopes: O(1) take, compacted as it drains. */
export class Mailbox {
  #items: Envelope[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(envelope: Envelope): void {
    this.#items.push(envelope);
  }

  /** Puts `envelope` first: handleContinue runs before anything queued. */
  unshift(envelope: Envelope): void {
    if (this.#head > 0) this.#items[--this.#head] = envelope;
    else this.#items.unshift(envelope);
  }

  peek(): Envelope | undefined {
    return this.#items[this.#head];
  }

  take(): Envelope | undefined {
    const envelope = this.#items[this.#head];
    this.#items[this.#head++] = undefined as unknown as Envelope;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return envelope;
  }

  /** Takes out the system envelopes, keeping the others in order (OTP's selective receive). */
  takeSystem(): SystemEnvelope[] {
    const system: SystemEnvelope[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const envelope = this.#items[i]!;
      if (envelope.kind === 'system') system.push(envelope);
    }
    if (system.length > 0) this.#items = this.#items.slice(this.#head).filter((e) => e.kind !== 'system');
    if (system.length > 0) this.#head = 0;
    return system;
  }

  /** Takes out everything left. */
  takeAll(): Envelope[] {
    const rest = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return rest;
  }
}

/** Raised to callers whose call cannot be answered, and by `spawn` when init fails. */
export class ProcessError extends Error {
  constructor(
    message: string,
    readonly reason: 'noproc' | 'timeout' | 'exit' | 'self' | 'init',
  ) {
    super(message);
    this.name = 'ProcessError';
  }
}

export function dispatch(spec: AnySpec, envelope: Envelope, state: unknown): unknown {
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
    case 'continue':
      if (!spec.handleContinue) throw new Error('the server has no handleContinue');
      return spec.handleContinue(envelope.arg, state);
    case 'system':
      throw new Error('unreachable');
  }
}

export function isPromise(value: unknown): value is Promise<unknown> {
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
