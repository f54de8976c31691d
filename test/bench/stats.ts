/** Figures the benchmarks print. */
import { readFileSync } from 'node:fs';

/** The `p`th percentile (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * The median of each round's ratio of `measured` to `baseline`, run back to back in that round:
 * steadier than a ratio of two medians on a shared machine, whose load drifts between rounds.
 */
export function pairedRatio(measured: number[], baseline: number[]): number {
  return percentile(
    measured.map((value, round) => value / baseline[round]!),
    50,
  );
}

/**
 * The CPU time a process has used so far (user and system, ms), from Linux's /proc; undefined
 * elsewhere or once it has exited. /proc counts in USER_HZ ticks, 100 a second on every Linux.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    // The fields after the command's name (which may hold spaces), from the state on: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
