/** One app entry in one mode: a scratch copy, started once, its edits applied in order and judged. */
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answers, checkProbes, CookieJar, send, snapshot, Traffic, withN } from './http';
import { closeSockets } from './websocket';
import { closeStreams } from './event-stream';
import { closeSocketIo } from './socket-io';
import { formatLine, judgeHonest, type EditResult } from './judge';
import { driverFor, type Applied, type Driver, type ModeName } from './modes';
import { freePort, killLeftBehind } from './procs';
import { applyReplacements, editSteps, fileChanges } from './steps';
import type { CorpusApp, Edit, Entry, Keep } from './types';

export const appsDir = join(import.meta.dirname, '..', 'apps');

/** Applies every edit of the app in order to its files in memory, so a broken edit fails before anything runs. */
export function validateEdits(app: CorpusApp): void {
  const files = new Map<string, string>();
  for (const edit of app.edits) {
    for (const change of fileChanges(edit)) {
      const text = files.get(change.file) ?? readFileSync(join(appsDir, app.dir, change.file), 'utf8');
      files.set(change.file, applyReplacements(text, change, `"${edit.name}" (${app.dir}/${change.file})`));
    }
  }
}

function slug(mode: ModeName): string {
  return mode.replace(/[^a-z]+/g, '-');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runApp(
  app: CorpusApp,
  entry: Entry,
  mode: ModeName,
  scratchRoot: string,
  print: (line: string) => void,
): Promise<EditResult[]> {
  const dir = join(scratchRoot, `${entry.name}-${slug(mode)}`);
  cpSync(join(appsDir, app.dir), dir, { recursive: true, filter: (p) => !/[\\/](dist|node_modules)$/.test(p) });
  const ctx = { app, entry, dir, port: await freePort(), jar: new CookieJar() };
  const driver = driverFor(mode, ctx);
  const results: EditResult[] = [];
  const base = { app: entry.name, mode, requests: 0, failedRequests: 0, ms: 0 };
  try {
    let startError: string | undefined;
    await driver.start().catch((error: unknown) => (startError = errorText(error)));
    for (const [index, raw] of app.edits.entries()) {
      const n = index + 1;
      if (startError) {
        const failed = { ...base, edit: raw.name, live: false, state: false, alive: false, honest: false };
        results.push({ ...failed, notes: [`the app did not start: ${startError}`] });
        print(formatLine(results.at(-1)!));
        continue;
      }
      results.push(await runEdit(driver, app, entry, withN(raw, n), n, base));
      print(formatLine(results.at(-1)!));
    }
  } finally {
    await driver.stop();
    closeSockets(driver.ctx.port);
    closeStreams(driver.ctx.port);
    closeSocketIo(driver.ctx.port);
    const leftBehind = killLeftBehind(dir);
    if (leftBehind.length > 0) {
      print(`  (${entry.name} · ${mode}: killed ${leftBehind.length} process(es) left running in its folder)`);
      results
        .at(-1)
        ?.notes.push(`processes left running in the app's folder after it stopped: ${leftBehind.join(', ')}`);
    }
  }
  return results;
}

async function runEdit(
  driver: Driver,
  app: CorpusApp,
  entry: Entry,
  edit: Edit,
  n: number,
  base: Pick<EditResult, 'app' | 'mode'>,
): Promise<EditResult> {
  const { port, jar, dir } = driver.ctx;
  const checks = withN(edit.state ?? app.state, n);
  const notes: string[] = [];
  if (!driver.processAlive) {
    notes.push('restarted first: the app was not running after the previous edit');
    await driver.start().catch((error: unknown) => notes.push(`restart failed: ${errorText(error)}`));
  }
  for (const request of checks.before) {
    await send(port, request, jar).catch((error: unknown) =>
      notes.push(`state setup ${request.method ?? 'GET'} ${request.path}: ${errorText(error)}`),
    );
  }
  const keeps = checks.keep ?? [];
  const unchanged = (edit.unchanged ?? []).map((path) => ({ path }));
  const kept = await Promise.all(keeps.map((keep) => snapshot(port, keep, jar)));
  const served = await Promise.all(unchanged.map((keep) => snapshot(port, keep, jar)));

  const steps = editSteps(edit, dir, entry.name);
  await driver
    .prepare(steps.map((step) => step.file))
    .catch((error: unknown) => notes.push(`prepare: ${errorText(error)}`));
  const traffic = new Traffic(port, app.health);
  const started = performance.now();
  let applied: Applied;
  try {
    applied = await driver.apply(edit, steps);
  } catch (error) {
    const message = errorText(error);
    applied = { notes: [`apply: ${message}`], report: { claimed: 'failure', namesLine: false, text: message } };
  }
  const ms = performance.now() - started;
  notes.push(...applied.notes);

  const keepFailures = await compareSnapshots(port, keeps, kept, jar);
  const liveFailures = [
    ...(await compareSnapshots(port, unchanged, served, jar)),
    ...(await checkProbes(port, edit.live ?? [], jar)),
  ];
  const stateFailures = [...keepFailures, ...(await checkProbes(port, checks.probes ?? [], jar))];
  await traffic.stop();
  const running = driver.processAlive && (await answers(port, app.health));

  const live = liveFailures.length === 0;
  const state = stateFailures.length === 0;
  if (!live) notes.push(`live: ${liveFailures.join('; ')}`);
  if (!state) notes.push(`state: ${stateFailures.join('; ')}`);
  if (!running) notes.push('alive: the app is not running or does not answer');
  if (!driver.processAlive && driver.child) {
    const output = driver.child.stderr.trim().split('\n').slice(-3).join(' | ');
    notes.push(`the app exited (${driver.child.process.exitCode ?? driver.child.process.signalCode}): ${output}`);
  }
  // ✓ for a state type that changed, without the migration the tool promises to ask for first.
  // (A refusal that says why, and what to do, is honest without one.)
  const migrationMissed = applied.migrationAsked === false && applied.report?.claimed !== 'failure';
  if (migrationMissed) notes.push('honest: the state type changed, but the save loaded without asking for a migration');
  if (traffic.failed > 0)
    notes.push(`failed requests: ${[...traffic.reasons].map(([r, c]) => `${r} ×${c}`).join(', ')}`);
  return {
    ...base,
    edit: edit.name,
    live,
    state,
    alive: running && traffic.failed === 0,
    failedRequests: traffic.failed,
    requests: traffic.sent,
    honest: migrationMissed ? false : judgeHonest(applied.report, edit.syntaxError ?? false, live, state, running),
    ms,
    notes,
    ...(applied.report ? { report: applied.report } : {}),
  };
}

/** Each GET must answer as it did before the edit, and without an error. */
async function compareSnapshots(port: number, keeps: Keep[], before: string[], jar: CookieJar): Promise<string[]> {
  const failures: string[] = [];
  for (const [i, keep] of keeps.entries()) {
    const after = await snapshot(port, keep, jar);
    if (after !== before[i] || after.startsWith('error:') || Number(after.slice(0, 3)) >= 500) {
      failures.push(`GET ${keep.path} answered ${before[i]}, now ${after}`);
    }
  }
  return failures;
}
