/** Human-readable lines for load outcomes, shared by the CLI and the language server. */
import { relative } from 'node:path';
import type { LoadOutcome } from './hot-load';

function describePlan(o: LoadOutcome): string | undefined {
  if (!o.plan?.ok) return undefined;
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
  const times = `compile ${t.compileMs.toFixed(1)} ms, prepare ${t.prepareMs.toFixed(1)} ms, commit ${t.commitMs.toFixed(1)} ms`;
  if (o.error) return `✗ ${app} ${file}: ${o.error}`;
  const r = o.result!;
  const lines = [
    describePlan(o) ?? '',
    `✓ ${app} ${file}: vsn ${r.modules[0]?.current.vsn} (#${r.modules[0]?.current.seq}) is current; ` +
      `${r.processes} processes migrated; suspend ${r.timings.suspendMs.toFixed(1)} ms, ` +
      `longest block ${r.timings.longestBlockMs.toFixed(1)} ms; ${times}`,
  ].filter(Boolean);
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
