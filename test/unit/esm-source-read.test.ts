/**
 * The module hooks read an ES module's source themselves and hand it down the chain of load
 * hooks (runtime-agent/src/code-server/esm-source-read.ts): where Node's own load would read the
 * file, and only there; a file that cannot be read is left to Node.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { withSourceRead } from '../../runtime-agent/src/code-server/esm-source-read';
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
