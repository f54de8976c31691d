/**
 * What a version's load reports: its patch's report, or a whole module's notes, and the
 * supervision trees its commit updated.
 */
import type { LoadReport } from '../protocol';
import { commitTrees } from '../processes/supervision/trees';
import { emptyReport } from './live/patch';
import { forgetRemovedStatement } from './live/match';
import type { ModuleVersion } from './module-version';

export function reportOf(file: string, version: ModuleVersion): LoadReport {
  const patched = version.live?.report;
  if (patched) return { file, mode: 'patched', ...patched };
  return { file, mode: 'reloaded', ...emptyReport(version.notes), ran: version.trees.ran };
}

/**
 * Where a version's report lists what could not apply in place: its patch's report, or a whole
 * module's notes (reportOf). The load's warnings repeat them, and the restart is offered for them.
 */
export function notAppliedOf(version: ModuleVersion): string[] {
  return version.live?.report?.notApplied ?? version.notes;
}

/** Why a load evaluated the whole module again, said as a warning: its module state started over. */
export function wholeModuleNote(problems: string[]): string {
  const why =
    problems.length > 0 ? `live loading failed: ${problems.join('; ')}` : 'its code could not be read for live loading';
  return `the whole module was evaluated again (${why}): its module-level variables started over and its top-level statements ran again`;
}

/**
 * Supervision trees the new version's supervise() calls update in place (OTP's
 * supervisor:code_change, see processes/supervision/trees.ts): applied once its code is
 * current, so the children it starts run it. A tree carried over is not a removed statement.
 */
export function commitVersionTrees(old: ModuleVersion, version: ModuleVersion, warnings: string[]): void {
  const trees = commitTrees(version.trees);
  warnings.push(...trees.warnings);
  const report = version.live?.report;
  if (!report) {
    version.trees.ran.push(...trees.ran);
    return;
  }
  report.ran.push(...trees.ran);
  for (const statement of trees.updated) {
    const index = old.live?.scope.statementIds.indexOf(statement) ?? -1;
    const line = index >= 0 ? old.live?.digest.statements[index]?.line : undefined;
    if (line !== undefined) forgetRemovedStatement(report, line);
  }
}
