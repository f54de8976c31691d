/** A save's outcome in words, as the `hotpatch/patched` report carries it to the client. */
import { basename } from 'node:path';
import { describeOutcome } from '../engine/describe';
import { bundledSourceMessage } from '../engine/targets';
import { foreignBuildMessage } from '../engine/running-compilers';
import { describeStateChange, type BatchOutcome } from '../engine/save-pipeline';
import { inFile } from './diagnostics';
import type * as ext from '../shared/lsp-extensions';

export function patchReport(uri: string, outcome: BatchOutcome): ext.PatchReport {
  switch (outcome.kind) {
    case 'heldBack':
      return {
        uri,
        outcome: 'failed',
        lines: [
          `not loaded: saved with ${outcome.blockers.map((b) => basename(b)).join(', ')}, which cannot load; the files of a save load together or not at all`,
        ],
      };
    case 'loaded':
    case 'failed':
      return { uri, outcome: outcome.kind, ms: outcome.ms, lines: outcome.outcomes.map((o) => describeOutcome(o)) };
    case 'notRunning':
      return { uri, outcome: 'notRunning', lines: ['no running app has loaded this file'] };
    case 'bundled':
      return { uri, outcome: 'failed', lines: [bundledSourceMessage(outcome.file, outcome.bundles)] };
    case 'otherCompiler':
      return {
        uri,
        outcome: 'failed',
        lines: [foreignBuildMessage(basename(outcome.file), outcome.built, outcome.compiler, outcome.atLoad)],
      };
    case 'unchanged':
      return { uri, outcome: 'unchanged', lines: ['every app already runs this code; nothing loaded'] };
    case 'syntaxError':
      return { uri, outcome: 'syntaxError', lines: [`not loaded: ${outcome.error.message}`] };
    case 'typesOnly':
      // Not "unchanged" when some could not be compared: the editor had no previous text of it.
      if (outcome.uncompared.length > 0) {
        return {
          uri,
          outcome: 'failed',
          lines: [
            `types only, nothing to load; whether the state types of the modules importing it ` +
              `(${outcome.uncompared.map((f) => basename(f)).join(', ')}) changed is not known: the editor has ` +
              'not seen the text the app started with; restart the app if they changed',
          ],
        };
      }
      return {
        uri,
        outcome: 'unchanged',
        lines: [
          `types only, nothing to load; the state types of the ${outcome.dependents} running module(s) importing it are unchanged`,
        ],
      };
    case 'migrationNeeded':
      return {
        uri,
        outcome: 'migrationNeeded',
        ms: outcome.ms,
        lines: outcome.changes.map((c) => `${inFile(c, outcome.file)}${describeStateChange(c)}`),
      };
  }
}
