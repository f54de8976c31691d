/** Figures the benchmarks print. */

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
