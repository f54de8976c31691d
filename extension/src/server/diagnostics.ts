/** The diagnostics the language server publishes for what a save did. */
import { basename } from 'node:path';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { LoadOutcome } from '../engine/hot-load';
import { describeStateChange, type StateChange } from '../engine/save-pipeline';
import { errorLocation } from '../shared/error-location';

/** On the changed state type (or field): what changed, and that nothing was loaded. */
export function stateChangeDiagnostic(change: StateChange): Diagnostic {
  const what = change.server.kind ? 'values' : 'processes';
  return {
    range: change.range,
    severity: DiagnosticSeverity.Warning,
    source: 'hotpatch',
    code: 'state-changed',
    message: `${describeStateChange(change)}. Add a codeChange to migrate the running ${what}; nothing was loaded.`,
    data: { server: change.server.key },
  };
}

/** `cats.service.ts: ` before a change found in a file other than the one saved. */
export function inFile(change: StateChange, saved: string): string {
  return change.file === saved ? '' : `${basename(change.file)}: `;
}

/**
 * A load that failed where it ran (a throwing top level, say) names a line of the file saved: the
 * error goes on that line too, once per message however many instances reported it.
 */
export function loadErrorDiagnostics(file: string, outcomes: readonly LoadOutcome[]): Diagnostic[] {
  const diagnostics = new Map<string, Diagnostic>();
  for (const { error } of outcomes) {
    const location = error === undefined ? undefined : errorLocation(error);
    if (!error || !location || location.file !== file) continue;
    const line = location.line - 1;
    const character = Math.max(0, (location.column ?? 1) - 1);
    const message = `Not hot-loaded: ${error.replace(`${location.span}: `, '')}`;
    diagnostics.set(`${line}:${message}`, {
      range: { start: { line, character }, end: { line, character: character + 1 } },
      severity: DiagnosticSeverity.Error,
      source: 'hotpatch',
      code: 'load-failed',
      message,
    });
  }
  return [...diagnostics.values()];
}

/** A failed load that names no line of the file: on its first line, with what the report says. */
export function fileDiagnostic(lines: readonly string[]): Diagnostic {
  return {
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Error,
    source: 'hotpatch',
    code: 'load-failed',
    message: `Not hot-loaded: ${lines.join('; ').replace(/^✗ /, '')}`,
  };
}
