/**
 * A closure made by a function that ran before the load (a connection's timer, a counter's
 * methods) gets a new body that may use more of the function's variables than it did: those
 * another closure made there captures, which V8 keeps in the context the closure holds too.
 * Before, only the variables the old body used were handed over, and an edit to a
 * per-connection timer that read the connection's state (kept by its close listener) waited
 * for a restart. A variable no closure captures is still not handed over, and the load says so.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ScratchApp } from '../helpers/scratch-app';

const increment = '  const increment = () => {\n    count += 1;\n    return String(count);\n  };';
// A named function expression, whose name has a scope of its own above its body's, with a
// variable of its own named as one of the counter's.
const reset = "  const reset = function reset() {\n    const label = 'reset';\n    count = 0;\n    return label;\n  };";
const appText = [
  "const http = require('node:http');",
  'function makeCounter(name) {',
  '  let count = 0;',
  '  const label = name.toUpperCase();',
  "  const unused = 'kept on the stack';",
  increment,
  '  const describe = () => `${label}:${count}`;',
  reset,
  '  return { increment, describe, reset };',
  '}',
  "const counter = makeCounter('visits');",
  'const server = http.createServer((req, res) => {',
  "  if (req.url === '/reset') return res.end(counter.reset());",
  "  res.end(req.url === '/describe' ? counter.describe() : counter.increment());",
  '});',
  "server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));",
  '',
].join('\n');

let scratch: ScratchApp;
before(async () => {
  scratch = await ScratchApp.start('captured-variables', appText);
});
after(() => scratch.stop());
const get = (path: string): Promise<string> => scratch.app.get(path);
const loadWith = (find: string, replacement: string) => scratch.loadWith(find, replacement);

test('a closure made before the load takes a new body that uses a variable another closure of its function captures', async () => {
  assert.equal(await get('/'), '1');
  const result = await loadWith('    return String(count);', '    return `${label}#${count}`;');
  assert.deepEqual(result.report.notApplied, []);
  assert.equal(await get('/'), 'VISITS#2', 'the running closure, with its count and the label describe keeps');
  assert.equal(await get('/describe'), 'VISITS:2');
});

test('a variable no closure captures is not handed over: the running closure keeps its code, and the load says why', async () => {
  const result = await loadWith('    return `${label}#${count}`;', '    return `${label}#${count} ${unused}`;');
  assert.equal(result.report.notApplied.length, 1);
  assert.match(result.report.notApplied[0]!, /uses unused from the enclosing function, which they do not capture/);
  assert.equal(await get('/'), 'VISITS#3');
});

test("a function's own variable hides the enclosing one of its name: a new body needing that one keeps the old code", async () => {
  // The running closure's prologue would hand over its own `label`, not yet made when it runs.
  const result = await loadWith("    const label = 'reset';\n", '');
  assert.equal(result.report.notApplied.length, 1);
  assert.match(
    result.report.notApplied[0]!,
    /reset \(line \d+\): .*uses label from the enclosing function, which they do not capture/,
  );
  assert.equal(await get('/reset'), 'reset', 'the running closure answers with its code');
  assert.equal(await get('/describe'), 'VISITS:0');
});
