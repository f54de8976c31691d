/**
 * What a server's callbacks may return besides a new state, as gen_server's do: a call
 * answered later (`{ noreply: true, state }`, then `reply(from, value)` from anywhere, OTP's
 * gen_server:reply), and work to do before the next message (`continue`, OTP's
 * `{continue, Arg}`: handleContinue(arg, state) runs next, ahead of the mailbox).
 */
import type { From } from './define-server';

/** A state with work to do first: handleContinue(arg, state) runs before the next message. */
export class Continue<State> {
  constructor(
    readonly state: State,
    readonly arg: unknown,
  ) {}
}

/**
 * Returned from init, handleCast, handleInfo or handleContinue (handleCall says `continue` in
 * its result): the process takes `state`, then runs handleContinue(arg, state) before any
 * other message (OTP's `{noreply, State, {continue, Arg}}`), so a long setup can follow init
 * without the caller of spawn waiting for it, and with nothing handled in between.
 */
export function continueWith<State>(state: State, arg: unknown): Continue<State> {
  return new Continue(state, arg);
}

/** A callback's result, read: the new state, the reply if it answers now, the continue if any. */
export interface Outcome {
  state: unknown;
  reply?: { value: unknown };
  continueArg?: { arg: unknown };
}

export function readOutcome(
  kind: 'init' | 'call' | 'cast' | 'info' | 'continue',
  outcome: unknown,
  id: string,
): Outcome {
  if (kind !== 'call') {
    return outcome instanceof Continue
      ? { state: outcome.state, continueArg: { arg: outcome.arg } }
      : { state: outcome };
  }
  if (!outcome || typeof outcome !== 'object' || !('state' in outcome)) {
    throw new TypeError(`handleCall of ${id} must return { reply, state } or { noreply: true, state }`);
  }
  const result = outcome as { reply?: unknown; state: unknown; noreply?: unknown; continue?: unknown };
  const read: Outcome = { state: result.state };
  if (result.noreply !== true) read.reply = { value: result.reply };
  if ('continue' in result) read.continueArg = { arg: result.continue };
  return read;
}

/** The calls not answered yet, by the From their handler got: what reply() answers. */
const unanswered = new WeakMap<From, (value: unknown) => void>();

/** Called as a call is queued: its From can answer it (once). */
export function expectReply(from: From, resolve: (value: unknown) => void): void {
  unanswered.set(from, resolve);
}

/** Whether the call its handler got `from` for still waits for an answer. */
export function awaitingReply(from: From): boolean {
  return unanswered.has(from);
}

/** Called as a call is answered or fails: a later reply() to it does nothing. */
export function answered(from: From): void {
  unanswered.delete(from);
}

/**
 * Answers a call whose handleCall returned `{ noreply: true, state }` (OTP's gen_server:reply),
 * from the process or from anywhere else, now or later. False when the call is no longer
 * waiting: answered already, timed out, or its server exited (which fails it with the reason).
 */
export function reply(from: From, value: unknown): boolean {
  const resolve = unanswered.get(from);
  if (!resolve) return false;
  resolve(value);
  return true;
}
