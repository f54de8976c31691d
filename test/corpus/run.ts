/**
 * npm run corpus: every app of test/corpus/apps, each edit applied while a client requests the app
 * every 20 ms, through Hotpatch (CLI, language server) and the baselines (node --watch, bun --hot).
 * Prints one line per edit and a summary per mode, writes out/scoreboard.json. A scoreboard, not a
 * test: exits 0 whatever the scores, non-zero only when the runner itself broke.
 *
 *   tsx corpus/run.ts [--app express-inline,ts-tsx] [--mode hotpatch-cli,node --watch]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bunBinary, repoRoot } from '../helpers/paths';
import { corpus } from './edits/index';
import { formatLine, formatSummary, passesAll, summarize, type EditResult } from './lib/judge';
import { modeNames, type ModeName } from './lib/modes';
import { killAll } from './lib/procs';
import { runApp, validateEdits } from './lib/run-app';

/** A watchdog for a runner that hangs: 39 apps in four modes take ≈35 min on a 2-core machine. */
const deadlineMs = 60 * 60_000;
const scratchRoot = join(repoRoot, 'test', '.tmp', `corpus-${process.pid}`);
const outFile = join(import.meta.dirname, 'out', 'scoreboard.json');

function option(name: string): string[] | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : (process.argv[i + 1] ?? '').split(',').map((s) => s.trim());
}

function cleanUp(): void {
  killAll();
  rmSync(scratchRoot, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const onlyApps = option('app');
  const onlyModes = option('mode');
  for (const app of corpus) validateEdits(app);

  const skipped: string[] = [];
  const modes = modeNames.filter((m) => !onlyModes || onlyModes.includes(m));
  if (modes.includes('bun --hot') && !bunBinary()) {
    skipped.push(
      'bun --hot: skipped, Bun is not installed (node scripts/ensure-bun.mjs adds it; npm run corpus runs it)',
    );
  }
  const active = modes.filter((m) => m !== 'bun --hot' || bunBinary());
  const runs = corpus.flatMap((app) =>
    app.entries
      .filter((entry) => !onlyApps || onlyApps.includes(entry.name) || onlyApps.includes(app.dir))
      .map((entry) => ({ app, entry })),
  );
  if (runs.length === 0 || active.length === 0) throw new Error('no app or mode selected');

  mkdirSync(scratchRoot, { recursive: true });
  const started = new Date();
  console.log(`corpus: ${runs.length} app entries × ${active.length} modes, Node ${process.version}`);
  for (const note of skipped) console.log(`note: ${note}`);

  const results: EditResult[] = [];
  for (const { app, entry } of runs) {
    for (const mode of active) {
      results.push(...(await runApp(app, entry, mode as ModeName, scratchRoot, (line) => console.log(line))));
    }
  }

  const summaries = summarize(results, active);
  console.log(`\nSummary (edits passing all four of: new code live, state kept, alive with 0 failed requests, honest)`);
  console.log(formatSummary(summaries));
  for (const note of skipped) console.log(`note: ${note}`);

  const failing = results.filter((r) => !passesAll(r));
  if (failing.length > 0) {
    console.log('\nWhy each failing edit failed:');
    for (const r of failing) {
      console.log(`${formatLine(r)}\n    ${r.notes.join('\n    ') || '(no note)'}`);
      if (r.report && r.honest === false)
        console.log(`    report: ${r.report.text.split('\n').join('\n            ')}`);
    }
  }

  mkdirSync(join(import.meta.dirname, 'out'), { recursive: true });
  const board = { started: started.toISOString(), node: process.version, modes: active, skipped, summaries, results };
  writeFileSync(outFile, JSON.stringify(board, null, 2) + '\n');
  console.log(`\nscoreboard written to ${outFile}`);
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping every app`);
    cleanUp();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  console.error(`corpus: still running after ${deadlineMs / 60_000} min, giving up`);
  cleanUp();
  process.exit(1);
}, deadlineMs);
watchdog.unref();

main().then(
  () => {
    cleanUp();
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`corpus runner broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    cleanUp();
    process.exit(1);
  },
);
