/**
 * A load report of a compiled file names only the variables its source has: tsc's temporaries
 * (`var _a` for decorator metadata, when it compiles one file alone) are not the user's news.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoadReport } from 'hotpatch-agent/protocol';
import ts from 'typescript';
import { withSourceNamesOnly } from '../../extension/src/engine/source-names';

const source = `import { Injectable } from '@nestjs/common';
import { Review } from './review.entity';

export const cache = new Map<string, Review>();

@Injectable()
export class Catalogue {
  constructor(private readonly latest: Review) {}
  label = \`\${cache.size} items\`;
}
export { cache as "item-cache" };
`;

function report(added: string[], rebound: string[] = []): LoadReport {
  return {
    file: 'catalogue.ts',
    mode: 'patched',
    kept: 3,
    ran: [],
    rebound,
    added,
    functions: [],
    undone: [],
    notApplied: [],
  };
}

test('the names tsc makes up when it compiles one file alone are dropped; the source’s own stay', async () => {
  // What the editor sends for this file: tsc's output for it alone names a temporary of its own.
  const compiled = ts.transpileModule(source, {
    compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: true, module: ts.ModuleKind.CommonJS },
  }).outputText;
  assert.match(compiled, /var _a;/, 'the temporary this is about');

  const [kept] = await withSourceNamesOnly(
    [report(['_a', 'cache', 'Catalogue.label', 'item-cache', 'default'])],
    'catalogue.ts',
    source,
  );
  assert.deepEqual(kept!.added, ['cache', 'Catalogue.label', 'item-cache', 'default']);
});

test("esbuild's exports object, made anew when an export is added, is no new value of the user's", async () => {
  const [kept] = await withSourceNamesOnly(
    [report(['Catalogue'], ['catalogue_exports', 'cache'])],
    'catalogue.ts',
    source,
  );
  assert.deepEqual(kept!.rebound, ['cache']);
  assert.deepEqual(kept!.added, ['Catalogue']);
});

test('a report with nothing made up is passed on as it is', async () => {
  const reports = [report(['cache']), report([])];
  const same = await withSourceNamesOnly(reports, 'catalogue.ts', source);
  assert.equal(same[0], reports[0]);
  assert.equal(same[1], reports[1]);
});
