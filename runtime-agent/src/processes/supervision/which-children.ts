/** What OTP's which_children and count_children report of a supervisor's children, and what the agent reports. */
import { ServerProcess } from '../server-process';
import type { Child, ChildInfo, ChildSpec } from './child-specs';

export interface ChildCounts {
  /** Child specs (1 for simple_one_for_one). */
  specs: number;
  /** Children running. */
  active: number;
  supervisors: number;
  workers: number;
}

/** A supervisor's record of one child spec and the child running it. */
export interface Slot {
  spec: ChildSpec;
  child: Child | undefined;
  /** A simple_one_for_one child's arguments to its spec's start(). */
  args?: unknown[];
  /** Its restart failed and is tried again on the next turn (Supervisor's tryAgain). */
  restarting?: boolean;
  /** What its child was when it last ran. */
  type?: 'worker' | 'supervisor';
}

/** A child spec as the agent reports it (describe.ts). */
export interface ChildSlot {
  readonly spec: ChildSpec;
  readonly child: Child | undefined;
  readonly restarting: boolean;
  readonly type: 'worker' | 'supervisor';
}

export function childSlots(slots: readonly Slot[]): ChildSlot[] {
  return slots.map((s) => ({
    spec: s.spec,
    child: s.child,
    restarting: s.restarting === true,
    type: s.type ?? 'worker',
  }));
}

export function whichChildren(slots: { spec: ChildSpec; child: Child | undefined }[], simple: boolean): ChildInfo[] {
  return slots.map((s) => ({
    id: simple ? undefined : s.spec.id,
    child: s.child,
    // (Not `instanceof Supervisor`: that module imports this one.)
    type: s.child === undefined || s.child instanceof ServerProcess ? 'worker' : 'supervisor',
  }));
}

export function countChildren(children: ChildInfo[], simple: boolean): ChildCounts {
  const running = children.filter((c) => c.child !== undefined);
  const supervisors = running.filter((c) => c.type === 'supervisor').length;
  return {
    specs: simple ? 1 : children.length,
    active: running.length,
    supervisors,
    workers: running.length - supervisors,
  };
}
