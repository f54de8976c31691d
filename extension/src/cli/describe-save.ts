/** What a save did, in the CLI's words: one line, or a few, per file. */
import { relative } from 'node:path';
import { describeOutcome } from '../engine/describe';
import { bundledSourceMessage } from '../engine/targets';
import { foreignBuildMessage } from '../engine/running-compilers';
import { describeStateChange, type SaveOutcome } from '../engine/save-pipeline';

export function describeSave(outcome: SaveOutcome, root: string, options: { migrateHint?: string } = {}): string {
  const file = relative(root, outcome.file);
  switch (outcome.kind) {
    case 'loaded':
    case 'failed':
      return [
        `${outcome.kind === 'loaded' ? '✓' : '✗'} ${file} in ${outcome.ms.toFixed(1)} ms`,
        ...outcome.outcomes.map((o) => '  ' + describeOutcome(o).split('\n').join('\n  ')),
      ].join('\n');
    case 'notRunning':
      return `· ${file}: no running app has loaded it`;
    case 'bundled':
      return `✗ ${bundledSourceMessage(outcome.file, outcome.bundles)}`;
    case 'otherCompiler':
      return `✗ ${foreignBuildMessage(file, relative(root, outcome.built), outcome.compiler, outcome.atLoad)}`;
    case 'unchanged':
      return `· ${file}: unchanged, every app already runs this code`;
    case 'syntaxError':
      return `✗ ${file}: not loaded, syntax error: ${outcome.error.message}`;
    case 'typesOnly':
      if (outcome.uncompared.length > 0) {
        const importers = outcome.uncompared.map((f) => relative(root, f)).join(', ');
        return (
          `⚠ ${file}: types only, nothing to load; whether the state types of the modules importing it ` +
          `(${importers}) changed is not known: their app started with a text of it this watch has not seen ` +
          '(it was written after the app started and before the watch did); restart the app if they changed'
        );
      }
      return `· ${file}: types only, nothing to load; the state types of the ${outcome.dependents} running module(s) importing it are unchanged`;
    case 'migrationNeeded':
      return [
        `✗ ${file}: not loaded — a state type changed and the new code has no codeChange that converts it:`,
        ...outcome.changes.map((c) => `  ${relative(root, c.file)}: ${describeStateChange(c)}`),
        '  add a codeChange(from, state, extra) to the server that converts the running state (a static codeChange to a class, an exported codeChange to a module for its variables), then save again',
        ...(options.migrateHint ? [`  ${options.migrateHint}`] : []),
      ].join('\n');
  }
}

export const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.cts', '.mts', '.tsx']);

/** Why a type file's change cannot be checked by `load`, and what can check it. */
export function uncomparedReason(typeFile: string): string {
  return (
    `${typeFile} holds types only, and the running app was built with an earlier text of it that \`hotpatch load\` ` +
    'has not seen, so it cannot tell whether the state types of the modules importing it changed; save it under ' +
    '`hotpatch watch` or in the editor, which keep its previous text, or restart the app'
  );
}
