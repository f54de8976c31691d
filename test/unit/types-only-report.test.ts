/**
 * The save of a file of types only is "unchanged" only when the state types of every running
 * module importing it were compared: one that could not be (no previous text of the file) is
 * said, in the editor's report and in `hotpatch watch`'s line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSave } from '../../extension/src/cli/describe-save';
import type { SaveOutcome } from '../../extension/src/engine/save-pipeline';
import { patchReport } from '../../extension/src/server/patch-report';

const compared: SaveOutcome = { kind: 'typesOnly', file: '/app/src/cat.interface.ts', dependents: 2, uncompared: [] };
const notCompared: SaveOutcome = { ...compared, uncompared: ['/app/src/cats.service.ts'] };

test('every importer compared: unchanged', () => {
  const report = patchReport('file:///app/src/cat.interface.ts', compared);
  assert.equal(report.outcome, 'unchanged');
  assert.match(report.lines[0]!, /state types of the 2 running module\(s\) importing it are unchanged/);
  assert.match(describeSave(compared, '/app'), /^· src\/cat\.interface\.ts: .* are unchanged$/);
});

test('an importer not compared: not called unchanged, and named', () => {
  const report = patchReport('file:///app/src/cat.interface.ts', notCompared);
  assert.equal(report.outcome, 'failed');
  assert.match(report.lines[0]!, /\(cats\.service\.ts\) changed is not known.*restart the app if they changed/);
  const line = describeSave(notCompared, '/app');
  assert.match(line, /^⚠ src\/cat\.interface\.ts: .*\(src\/cats\.service\.ts\) changed is not known/);
  assert.doesNotMatch(line, /unchanged/);
});
