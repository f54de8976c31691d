/** How supervisors appear in the protocol (`agent/supervisors` and the supervisor notifications). */
import type { SupervisorChildInfo, SupervisorInfo } from '../../protocol';
import { ServerProcess } from '../server-process';
import type { Supervisor } from '../supervisor';
import { treeFile } from './trees';
import type { ChildSlot } from './which-children';

export function describeSupervisor(supervisor: Supervisor): SupervisorInfo {
  const { strategy, intensity, period } = supervisor.options;
  const simple = strategy === 'simple_one_for_one';
  const info: SupervisorInfo = {
    id: supervisor.id,
    strategy,
    intensity,
    period,
    children: supervisor.childSlots().map((slot) => describeChild(slot, simple)),
  };
  if (supervisor.name !== undefined) info.name = supervisor.name;
  const file = treeFile(supervisor);
  if (file !== undefined) info.file = file;
  return info;
}

function describeChild(slot: ChildSlot, simple: boolean): SupervisorChildInfo {
  const child: SupervisorChildInfo = {
    restart: slot.spec.restart ?? 'permanent',
    type: slot.type,
    status: childStatus(slot),
  };
  // As OTP's which_children: a simple_one_for_one child has no id of its own.
  if (!simple) child.id = slot.spec.id;
  if (slot.child instanceof ServerProcess) child.process = slot.child.id;
  else if (slot.child) child.supervisor = slot.child.id;
  return child;
}

function childStatus(slot: ChildSlot): SupervisorChildInfo['status'] {
  if (!slot.child) return slot.restarting ? 'restarting' : 'dead';
  // Exited, and its supervisor has not seen the exit yet (it does within the same turn).
  if (slot.child.status === 'dead') return 'restarting';
  return slot.child.status;
}
