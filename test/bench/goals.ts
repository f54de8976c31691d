/**
 * Issue 13's goals and what each benchmark measured against them. Each benchmark records its
 * figures here as it prints them; `npm run bench` starts with `tsx bench/goals.ts reset` and
 * ends with `tsx bench/goals.ts table`, which prints every figure next to its goal in one table.
 * A benchmark run on its own records too; its rows are printed by the next `table`.
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpRoot } from '../helpers/paths';

/** Issue 13's goal for a save through the language server, the first included (ms, p50). */
export const SAVE_GOAL_MS = 25;

/** Where the rows of one `npm run bench` collect: one JSON object a line. */
const ROWS_FILE = join(tmpRoot, 'bench-goals.jsonl');

export interface GoalRow {
  /** What was measured, in words. */
  figure: string;
  /** The measured figure as printed ("×1.08", "31 ms"). */
  measured: string;
  /** The goal as printed ("≤ ×1.5"). */
  goal: string;
  /** null: a figure shown for comparison, with no goal of its own. */
  met: boolean | null;
  /** Why a figure is what it is, when that needs saying (a bound of the machine, a figure not measured). */
  note?: string;
}

/** Keeps a row for the table. */
export function recordGoal(row: GoalRow): void {
  mkdirSync(tmpRoot, { recursive: true });
  appendFileSync(ROWS_FILE, `${JSON.stringify(row)}\n`);
}

/** A ratio goal (`measured / baseline ≤ limit`) as a row. */
export function ratioRow(figure: string, ratio: number, limit: number, note?: string): GoalRow {
  return {
    figure,
    measured: `×${ratio.toFixed(2)}`,
    goal: `≤ ×${limit}`,
    met: ratio <= limit,
    ...(note ? { note } : {}),
  };
}

/** A bound in milliseconds (`measured ≤ limit`) as a row. */
export function msRow(figure: string, ms: number, limit: number, note?: string): GoalRow {
  return {
    figure,
    measured: `${ms.toFixed(1)} ms`,
    goal: `≤ ${limit} ms`,
    met: ms <= limit,
    ...(note ? { note } : {}),
  };
}

function readRows(): GoalRow[] {
  let text = '';
  try {
    text = readFileSync(ROWS_FILE, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as GoalRow);
}

/** The table `npm run bench` ends with. */
export function goalTable(rows: GoalRow[]): string {
  const headers = ['figure', 'measured', 'goal', 'met'];
  const cells = rows.map((r) => [r.figure, r.measured, r.goal, r.met === null ? '' : r.met ? 'met' : 'not met']);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const notes = rows.flatMap((r, i) => (r.note ? [`  [${i + 1}] ${r.note}`] : []));
  return [
    line(headers),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((c, i) => line(c) + (rows[i]!.note ? `  [${i + 1}]` : '')),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === 'reset') rmSync(ROWS_FILE, { force: true });
  else {
    const rows = readRows();
    const goals = rows.filter((r) => r.met !== null);
    console.log(`\nIssue 13's goals (${goals.filter((r) => r.met).length} of ${goals.length} met)\n`);
    console.log(goalTable(rows));
  }
}
