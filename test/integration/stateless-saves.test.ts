/**
 * A save of a file whose last text declared no state and exported nothing another module can
 * type its state with (a CommonJS module, an entry) goes to the agents before its new text is
 * tested for either (engine/stateless-files.ts); the test runs beside the prepare and the commit
 * waits for it. Through the real language server and a real app: a text that now declares state
 * is not loaded unanalysed: its release is made again with the analyses, so a changed state type
 * still asks for a migration, and the next save of it is analysed first. (A module that exports
 * what its importers type their state with is analysed before every save: state-importers.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';

test('a stateless file that gains state is loaded with its analysis, and its next state change asks for a migration', async () => {
  const app = await App.start('cjs');
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const file = app.file('greeting.js');
  await lsp.waitForModule(file);
  const original = readFileSync(file, 'utf8');
  await lsp.open(file, original);

  // Stateless before and after: loaded, nothing said of state.
  const plain = original.replace('`hello, ${name}`', '`hi, ${name}`');
  const first = await lsp.save(file, plain);
  assert.equal(first.outcome, 'loaded', first.lines.join('\n'));
  assert.equal(await app.get('/greet?name=ann'), 'hi, ann');
  assert.ok(!lsp.log.some((line) => line.includes('state of its importers now')), lsp.log.join('\n'));

  // Now a module variable holding data: sent ahead, found to hold state, loaded after its analysis.
  const counting = plain
    .replace("exports.vsn = '1';", "exports.vsn = '2';\nlet greeted = 0;")
    .replace('return `hi, ${name}`;', 'greeted += 1;\n  return `hi #${greeted}, ${name}`;');
  const second = await lsp.save(file, counting);
  assert.equal(second.outcome, 'loaded', second.lines.join('\n'));
  assert.ok(
    lsp.log.some((line) =>
      line.includes(
        'greeting.js may hold state or type the state of its importers now: prepared again with its analyses',
      ),
    ),
    lsp.log.join('\n'),
  );
  assert.equal(await app.get('/greet?name=ann'), 'hi #1, ann');
  assert.equal(await app.get('/greet?name=bob'), 'hi #2, bob');

  // Its state's type changes (a count becomes a string): analysed first, so no load and a prompt.
  const joining = counting
    .replace("exports.vsn = '2';", "exports.vsn = '3';")
    .replace('let greeted = 0;', "let greeted = '';")
    .replace('greeted += 1;', 'greeted += name;');
  const third = await lsp.save(file, joining);
  assert.equal(third.outcome, 'migrationNeeded', third.lines.join('\n'));
  assert.equal(await app.get('/greet?name=cy'), 'hi #3, cy', 'the running code and its count are kept');
});
