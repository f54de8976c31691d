/**
 * A server with state (an OTP gen_server): it counts visits and remembers the last visitors.
 * Its state survives every hot load; when you change `State`, add a `codeChange` that converts
 * the running state and load with `npx hotpatch load examples/counter-app/src/visits.ts`.
 */
import { defineServer } from 'hotpatch-agent';

export const vsn = '1';

export interface State {
  count: number;
  /** The last visitors' names, newest last. */
  history: string[];
}

export type VisitsCall = { type: 'visit'; name: string } | { type: 'get' };

export const visits = defineServer<State, VisitsCall, State>({
  init: () => ({ count: 0, history: [] }),
  handleCall(message, state) {
    if (message.type === 'get') return { reply: state, state };
    const next = { count: state.count + 1, history: [...state.history, message.name].slice(-5) };
    return { reply: next, state: next };
  },
});
