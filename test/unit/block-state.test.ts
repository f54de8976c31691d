/**
 * What a top-level block statement run again makes anew that its closures held (block-state.ts):
 * the names a load's report gives as started over.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockStateOf } from '../../runtime-agent/src/code-server/live/block-state';
import { readProgram } from '../../runtime-agent/src/code-server/live/program';

/** The names for the module's statement at `index`. */
function heldBy(code: string, index = 0): string[] {
  const model = readProgram(code);
  return blockStateOf(model, model.statements[index]!.node);
}

test("a block's variables that its functions hold are named; those only the block reads are not", () => {
  const code = [
    'if (require.main === module) {',
    '  const hits = [];',
    '  let served = 0;',
    '  const app = makeApp();',
    "  app.get('/', () => { served++; return hits.length; });",
    '  app.listen(3000);',
    '}',
  ].join('\n');
  assert.deepEqual(heldBy(code), ['hits', 'served']);
});

test('loop variables, constants of a literal value and the locals of functions are not state the block holds', () => {
  const code = [
    'for (const route of routes) {',
    "  const label = 'route';",
    '  const seen = new Set();',
    '  app.get(route.path, () => { const local = []; local.push(label); seen.add(route); return local; });',
    '}',
  ].join('\n');
  assert.deepEqual(heldBy(code), ['seen']);
});

test('a statement without a block of its own holds nothing', () => {
  assert.deepEqual(heldBy("const hits = [];\napp.get('/', () => hits.length);", 1), []);
});

test('a function called where it is written (an async main) runs with the statement: its variables its closures hold are named', () => {
  const code = [
    '(async () => {',
    '  const app = express();',
    '  const hits = [];',
    "  app.get('/', (req, res) => res.json(hits.length));",
    '  await listen(app);',
    '})().catch(console.error);',
  ].join('\n');
  assert.deepEqual(heldBy(code), ['hits']);
  // A function it only makes (a handler, a main declared and called elsewhere) runs later: its own variables are its calls'.
  assert.deepEqual(heldBy("app.get('/', (req, res) => { const hits = []; return () => hits; });"), []);
});
