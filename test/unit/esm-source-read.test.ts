/**
 * The module hooks read an ES module's source themselves and hand it down the chain of load
 * hooks (runtime-agent/src/code-server/esm-source-read.ts): where Node's own load would read the
 * file, and only there; a file that cannot be read is left to Node; the context Node shares
 * between the hooks of a load is as it was once the rest of the chain returns.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import {
  nextLoadWithSource,
  withSourceRead,
  type LoadContext,
} from '../../runtime-agent/src/code-server/esm-source-read';
import { scratchFiles } from '../helpers/scratch';

const dir = scratchFiles('esm-source-read', {
  'module.mjs': 'export const answer = 42;\n',
  'with space é.mjs': 'export const named = true;\n',
});
const url = (file: string): string => pathToFileURL(join(dir, file)).href;

test('an ES module read from its file: the bytes on disk, in a new context', () => {
  const context = { format: 'module', conditions: ['node', 'import'] };
  const read = withSourceRead(url('module.mjs'), context);
  assert.notEqual(read, context);
  assert.deepEqual(read.conditions, context.conditions);
  assert.ok(Buffer.isBuffer(read.source));
  assert.deepEqual(read.source, readFileSync(join(dir, 'module.mjs')));
  assert.equal('source' in context, false, 'the context given is not changed');
});

test('a URL with escapes or a query reads the file it names', () => {
  const escaped = withSourceRead(url('with space é.mjs'), { format: 'module' });
  assert.equal(String(escaped.source), 'export const named = true;\n');
  const queried = withSourceRead(`${url('module.mjs')}?hotpatch=original`, { format: 'module' });
  assert.equal(String(queried.source), 'export const answer = 42;\n');
});

test('nothing read where Node would not read the file as an ES module', () => {
  for (const [target, context] of [
    [url('module.mjs'), { format: 'commonjs' }],
    [url('module.mjs'), { format: 'json' }],
    [url('module.mjs'), {}],
    [url('module.mjs'), { format: 'module', source: 'export {};' }],
    ['node:fs', { format: 'builtin' }],
    ['data:text/javascript,export%20default%201', { format: 'module' }],
  ] as const) {
    assert.equal(withSourceRead(target, context), context, `${target} ${JSON.stringify(context)}`);
  }
});

test("a file that cannot be read is left to Node's load, which says why", () => {
  for (const target of [url('missing.mjs'), pathToFileURL(dir).href]) {
    const context = { format: 'module' };
    assert.equal(withSourceRead(target, context), context, target);
  }
});

/**
 * Node's chain as Node 20 runs it (its nextHookFactory): what a hook hands `nextLoad` is copied
 * into one context object, which the next hook receives; here the next is Node's own load,
 * which reads the file only where no source was given.
 */
function chainOfOne(shared: LoadContext): (url: string, context?: LoadContext) => Promise<{ source: unknown }> {
  return async (url, context) => {
    if (context) Object.assign(shared, context);
    return { source: shared.source ?? readFileSync(new URL(url)) };
  };
}

test("the source read is handed down, then taken out of the context Node shares with the load's other hooks", async () => {
  const shared: LoadContext = { format: 'module' };
  const nodeLoad = chainOfOne(shared);
  const seen: unknown[] = [];
  const result = await nextLoadWithSource(url('module.mjs'), shared, async (target, context) => {
    seen.push(context?.source);
    return nodeLoad(target, context);
  });
  assert.equal(String(seen[0]), 'export const answer = 42;\n', 'the rest of the chain got the source');
  assert.equal(String(result.source), 'export const answer = 42;\n');
  assert.equal('source' in shared, false);
  // A hook before the agent's loading another module in the same load gets that module's bytes.
  const other = await nextLoadWithSource(url('with space é.mjs'), shared, nodeLoad);
  assert.equal(String(other.source), 'export const named = true;\n');
});

test('the shared context is put back as it was when the rest of the chain throws, or had a null source', async () => {
  const shared: LoadContext = { format: 'module', source: null };
  await assert.rejects(
    nextLoadWithSource(url('module.mjs'), shared, async (_, context) => {
      Object.assign(shared, context);
      throw new Error('a later loader failed');
    }),
    /a later loader failed/,
  );
  assert.deepEqual(shared, { format: 'module', source: null });
});
