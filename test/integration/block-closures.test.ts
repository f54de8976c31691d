/**
 * Handlers written inside a block at a module's top level, as apps that start only when run
 * directly write them (`if (require.main === module) { const hits = []; … }`, a cluster's
 * `if (cluster.isPrimary) … else { … }`): a handler's new body reads the block's variables from
 * the running closure, as a function nested in another does. Before, its new body was evaluated
 * at the module's top level, where they do not exist: the load said ✓ and every request failed
 * with "hits is not defined".
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ScratchApp } from '../helpers/scratch-app';

const handler = '    res.end(JSON.stringify({ count: hits.length }));';
const appText = [
  "const http = require('node:http');",
  'if (require.main === module) {',
  '  const hits = [];',
  "  const label = 'requests';",
  '  const server = http.createServer((req, res) => {',
  '    hits.push(req.url);',
  handler,
  '  });',
  "  server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));",
  '  module.exports = { label };',
  '}',
  '',
].join('\n');

let scratch: ScratchApp;
before(async () => {
  scratch = await ScratchApp.start('block-closures', appText);
});
after(() => scratch.stop());
const get = (path: string): Promise<string> => scratch.app.get(path);
const loadWith = (find: string, replacement: string) => scratch.loadWith(find, replacement);

async function count(): Promise<{ count: number; edited?: string }> {
  return JSON.parse(await get('/')) as { count: number; edited?: string };
}

test("a handler's new body reads the variables of the block it was written in, and they keep their values", async () => {
  assert.equal((await count()).count, 1);
  assert.equal((await count()).count, 2);
  const edited = '    res.end(JSON.stringify({ count: hits.length, edited: "yes" }));';
  const result = await loadWith(handler, edited);
  assert.deepEqual(result.report.notApplied, []);
  assert.equal(result.report.functions.length, 1, 'the handler is said to have new code');
  assert.deepEqual(await count(), { count: 3, edited: 'yes' });
});

test('a new body that needs a variable of the block the running closure does not hold keeps the old code, and says so', async () => {
  const before = (await count()).count;
  const result = await loadWith('edited: "yes"', 'edited: label');
  assert.deepEqual(result.report.functions, [], 'the handler is not said to have new code');
  assert.equal(result.report.notApplied.length, 1);
  assert.match(result.report.notApplied[0]!, /uses label from the enclosing block, which they do not capture/);
  // The running code answers, as it did.
  assert.deepEqual(await count(), { count: before + 1, edited: 'yes' });
});

test('a statement changed in the block runs the block again: the report names the variables that started over', async () => {
  const result = await loadWith('  module.exports = { label };', '  module.exports = { label, version: 2 };');
  assert.deepEqual(result.report.dropped, [
    'line 2 ran again, so hits, server (declared in it, held by the functions it makes) started over: what the app had put in them is gone',
  ]);
  assert.ok(result.report.ran.some((line) => line.startsWith('line 2: if(require.main === module)')));
  assert.ok((await count()).count > 0, 'the app answers');
});
