/** The four judgements per edit, the scoreboard line, and the summary per mode. */
import type { ModeName, Report } from './modes';

export interface EditResult {
  app: string;
  edit: string;
  mode: ModeName;
  live: boolean;
  state: boolean;
  alive: boolean;
  failedRequests: number;
  requests: number;
  /** 'n/a' for baselines, which report nothing; counted as passed. */
  honest: boolean | 'n/a';
  ms: number;
  /** Why a criterion failed, and what else happened (restarts, timeouts). */
  notes: string[];
  report?: Report;
}

export function passesAll(r: EditResult): boolean {
  return r.live && r.state && r.alive && r.honest !== false;
}

/**
 * Honest: for a syntax error, a failure that names file:line while the old code still serves.
 * Otherwise ✓ (no warning) only when the new code is live, the state kept and the app running;
 * a failure only when the edit did not fully apply; a warning is honest (it says something did not).
 */
export function judgeHonest(
  report: Report | undefined,
  syntaxError: boolean,
  live: boolean,
  state: boolean,
  running: boolean,
): boolean | 'n/a' {
  if (!report) return 'n/a';
  if (syntaxError) return report.claimed === 'failure' && report.namesLine && live;
  switch (report.claimed) {
    case 'success':
      return live && state && running;
    case 'warning':
      return true;
    case 'failure':
      return !(live && state);
  }
}

const mark = (ok: boolean): string => (ok ? '✓' : '✗');

export function formatLine(r: EditResult): string {
  const honest = r.honest === 'n/a' ? 'n/a' : mark(r.honest);
  return (
    `${r.app} · ${r.edit} · ${r.mode} · live ${mark(r.live)} · state ${mark(r.state)} · ` +
    `alive ${mark(r.alive)} (failed requests ${r.failedRequests}) · honest ${honest} · ${Math.round(r.ms)} ms`
  );
}

export interface ModeSummary {
  mode: ModeName;
  edits: number;
  passing: number;
  live: number;
  state: number;
  alive: number;
  honest: number;
  failedRequests: number;
  /** What the reports claimed: ✓ with no warning, a warning, ✗ (Hotpatch modes only). */
  claims: { success: number; warning: number; failure: number };
}

export function summarize(results: EditResult[], modes: readonly ModeName[]): ModeSummary[] {
  return modes
    .map((mode) => {
      const rs = results.filter((r) => r.mode === mode);
      return {
        mode,
        edits: rs.length,
        passing: rs.filter(passesAll).length,
        live: rs.filter((r) => r.live).length,
        state: rs.filter((r) => r.state).length,
        alive: rs.filter((r) => r.alive).length,
        honest: rs.filter((r) => r.honest !== false).length,
        failedRequests: rs.reduce((sum, r) => sum + r.failedRequests, 0),
        claims: {
          success: rs.filter((r) => r.report?.claimed === 'success').length,
          warning: rs.filter((r) => r.report?.claimed === 'warning').length,
          failure: rs.filter((r) => r.report?.claimed === 'failure').length,
        },
      };
    })
    .filter((s) => s.edits > 0);
}

export function formatSummary(summaries: ModeSummary[]): string {
  const header = ['mode', 'all four', 'live', 'state', 'alive', 'honest', 'failed requests', 'reports ✓/warning/✗'];
  const rows = summaries.map((s) => [
    s.mode,
    `${s.passing}/${s.edits}`,
    `${s.live}/${s.edits}`,
    `${s.state}/${s.edits}`,
    `${s.alive}/${s.edits}`,
    `${s.honest}/${s.edits}`,
    String(s.failedRequests),
    s.claims.success + s.claims.warning + s.claims.failure > 0
      ? `${s.claims.success}/${s.claims.warning}/${s.claims.failure}`
      : 'n/a',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
