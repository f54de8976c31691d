/** What OTP's which_children and count_children report of a supervisor's children. */
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
