/**
 * agent/warm's rounds on a slice of a long module (live/warm-up.ts warmReading): the slice ends
 * where one of the module's top-level statements ends, so the reader takes it as a program of
 * its own; code it cannot take that way ends the rounds, never the app.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestOf } from '../../runtime-agent/src/code-server/live/digest';
import { readProgram, type ModuleKind } from '../../runtime-agent/src/code-server/live/program';
import { warmReading } from '../../runtime-agent/src/code-server/live/warm-up';
import { payloadModule } from '../helpers/versions';

/** Where each top-level statement of `code` ends, as agent/warm reads them from the running version. */
function statementEnds(code: string, kind: ModuleKind = 'cjs'): number[] {
  return digestOf(readProgram(code, undefined, kind)).statements.map((statement) => statement.shape.end);
}

test('a long module is read on its first statements, cut where a statement ends', () => {
  const code = payloadModule(1, { lines: 500 });
  assert.ok(code.length > 40_000, 'the module is several times the slice');
  assert.equal(warmReading(code, 'cjs', statementEnds(code)), true);
});

test('an ES module and a TypeScript module compiled by tsc are read on a slice too', () => {
  const esm = payloadModule(1, { lines: 300, syntax: 'esm' });
  assert.equal(warmReading(esm, 'esm', statementEnds(esm, 'esm')), true);
  const tsc = `"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n${payloadModule(1, { lines: 300 })}`;
  assert.equal(warmReading(tsc, 'cjs', statementEnds(tsc)), true);
});

test('a slice cut inside a statement is not read, and the rounds end without an error', () => {
  const code = payloadModule(1, { lines: 500 });
  // Ends that fall inside statements: half-way through each.
  const inside = statementEnds(code).map((end, i, ends) => Math.floor(((ends[i - 1] ?? 0) + end) / 2));
  assert.equal(warmReading(code, 'cjs', inside), false);
});

test('a module whose first statement is longer than a slice is not read on one', () => {
  const long = `const table = [${Array.from({ length: 3000 }, (_, i) => i * 7).join(', ')}];\nexports.table = table;\n`;
  assert.ok(long.indexOf(';') > 8000, 'the first statement is longer than a slice');
  assert.equal(warmReading(long, 'cjs', statementEnds(long)), false);
});
