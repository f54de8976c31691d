/** Human-readable lines for load outcomes, shared by the CLI and the language server. */
import { relative } from 'node:path';
import type { LoadReport } from 'hotpatch-agent/protocol';
import type { LoadOutcome } from './hot-load';

/** One line on what a load applied: statements kept and run, variables, function bodies. */
export function describeReport(report: LoadReport): string {
  if (report.mode === 'reloaded') return 'applied: the whole module was evaluated again';
  const parts = [`${report.kept} statements kept`];
  if (report.ran.length > 0) parts.push(`ran ${report.ran.join(', ')}`);
  if (report.rebound.length > 0) parts.push(`new value: ${report.rebound.join(', ')}`);
  if (report.added.length > 0) parts.push(`added: ${report.added.join(', ')}`);
  if (report.functions.length > 0) parts.push(`new code in: ${report.functions.join(', ')}`);
  if (report.undone?.length) parts.push(`taken back: ${report.undone.join(', ')}`);
  return `applied: ${parts.join('; ')}`;
}

/** The release's plan, said once: with its first module's outcome. */
function describePlan(o: LoadOutcome): string | undefined {
  if (!o.plan?.ok || (o.plan.modules[0] && o.plan.modules[0].file !== o.module.file)) return undefined;
  return o.plan.modules
    .map((m) => {
      const states =
        m.processes === 0 ? 'no processes' : `${m.processes} processes, ${m.migration ? 'codeChange' : 'state kept'}`;
      return `  plan: ${relative(o.client.info.root, m.file)} ${m.fromVsn} → ${m.toVsn}, ${states}`;
    })
    .join('\n');
}

export function describeOutcome(o: LoadOutcome): string {
  const app = `${o.client.info.appName} (pid ${o.client.info.pid})`;
  const file = relative(o.client.info.root, o.module.file);
  const t = o.timings;
  // The code's reading, and its patch where the running version had not changed, were made
  // while the user typed (read-ahead.ts): most of a prepare; or the whole prepare (prepared-ahead.ts).
  const timings = o.plan?.timings;
  const readAhead = o.preparedAhead
    ? ' (prepared ahead)'
    : timings?.patchedAhead
      ? ' (read and patched ahead)'
      : timings?.readAhead
        ? ' (read ahead)'
        : '';
  const analysis = o.analysis
    ? `, state types ${o.analysis.ms.toFixed(1)} ms${o.analysis.madeAhead ? ' (analysed ahead)' : ''}`
    : '';
  const times = `compile ${t.compileMs.toFixed(1)} ms${analysis}, prepare ${t.prepareMs.toFixed(1)} ms${readAhead}, commit ${t.commitMs.toFixed(1)} ms`;
  if (o.error) return `✗ ${app} ${file}: ${o.error}`;
  const r = o.result!;
  // ✓ only when everything applied, nothing of the app's lost; anything else is a warning.
  const dropped = (r.reports ?? []).flatMap((report) => report.dropped ?? []);
  const mark = r.warnings.length > 0 || dropped.length > 0 ? '⚠' : '✓';
  const lines = [
    describePlan(o) ?? '',
    `${mark} ${app} ${file}: vsn ${r.modules[0]?.current.vsn} (#${r.modules[0]?.current.seq}) is current; ` +
      `${r.processes} processes migrated; suspend ${r.timings.suspendMs.toFixed(1)} ms, ` +
      `longest block ${r.timings.longestBlockMs.toFixed(1)} ms; ${times}`,
  ].filter(Boolean);
  for (const report of r.reports ?? []) lines.push(`  ${describeReport(report)}`);
  for (const d of dropped) lines.push(`  replaced: ${d}`);
  for (const w of r.warnings) lines.push(`  not applied: ${w}`);
  if ((r.reports ?? []).some((report) => report.notApplied.length > 0)) {
    lines.push('  restart the app to apply what could not apply in place');
  }
  return lines.join('\n');
}
