/**
 * Supervision trees as a front end shows them, from what the agent reported: each supervisor
 * with its children, whose status follows the latest facts of the processes they run as (a
 * process suspended or exited since its supervisor last reported is shown so).
 */
import type { ProcessInfo, SupervisorChildInfo, SupervisorInfo } from 'hotpatch-agent/protocol';

export type ChildStatus = SupervisorChildInfo['status'];

export interface ChildSnapshot extends Readonly<SupervisorChildInfo> {
  /**
   * As the child's process is now when it is known (`suspended`, `running`); `restarting` when
   * that process has exited and its supervisor's report of the new one has not come yet.
   */
  readonly status: ChildStatus;
  /** The process it runs as, as last reported (workers only). */
  readonly processInfo?: ProcessInfo;
}

export interface SupervisorSnapshot extends Readonly<Omit<SupervisorInfo, 'children'>> {
  readonly children: readonly ChildSnapshot[];
  /** No other supervisor lists it as a child: the root of a tree. */
  readonly root: boolean;
}

const byId = new Intl.Collator('en', { numeric: true });

/** Every supervisor, in start order (by id), with its children's status brought up to date. */
export function supervisorSnapshots(
  supervisors: Iterable<SupervisorInfo>,
  processes: ReadonlyMap<string, ProcessInfo>,
): SupervisorSnapshot[] {
  const all = [...supervisors];
  const nested = new Set(all.flatMap((s) => s.children.flatMap((c) => (c.supervisor ? [c.supervisor] : []))));
  return all
    .sort((a, b) => byId.compare(a.id, b.id))
    .map((supervisor) => ({
      ...structuredClone(supervisor),
      children: supervisor.children.map((child) => childSnapshot(child, processes)),
      root: !nested.has(supervisor.id),
    }));
}

function childSnapshot(child: SupervisorChildInfo, processes: ReadonlyMap<string, ProcessInfo>): ChildSnapshot {
  if (child.process === undefined) return structuredClone(child);
  const process = processes.get(child.process);
  if (!process) {
    const alive = child.status === 'running' || child.status === 'suspended';
    return { ...child, status: alive ? 'restarting' : child.status };
  }
  const status: ChildStatus = process.status === 'dead' ? 'restarting' : process.status;
  return { ...child, status, processInfo: structuredClone(process) };
}
