/**
 * A save of a file whose last text declared no state and exported no types goes to the agents
 * before its new text is tested for either (engine/stateless-files.ts); the test runs beside the
 * prepare and the commit waits for it. Through the real language server and a real app: a text
 * that now declares state, or exports a type another module holds state in, is not loaded
 * unanalysed: its release is made again with the analyses, so a changed state type still asks
 * for a migration, and the next save of it is analysed first.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { scratchFiles } from '../helpers/scratch';
import { todoStoreApp, todoStoreArgs } from '../helpers/todo-store-app';

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
  assert.ok(!lsp.log.some((line) => line.includes('export types now')), lsp.log.join('\n'));

  // Now a module variable holding data: sent ahead, found to hold state, loaded after its analysis.
  const counting = plain
    .replace("exports.vsn = '1';", "exports.vsn = '2';\nlet greeted = 0;")
    .replace('return `hi, ${name}`;', 'greeted += 1;\n  return `hi #${greeted}, ${name}`;');
  const second = await lsp.save(file, counting);
  assert.equal(second.outcome, 'loaded', second.lines.join('\n'));
  assert.ok(
    lsp.log.some((line) =>
      line.includes('greeting.js may hold state or export types now: prepared again with its analyses'),
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

test('a typeless file that starts exporting a type, changed where another module holds it, asks for a migration', async () => {
  const source = scratchFiles('stateless-type-exports', {
    ...todoStoreApp,
    // No exported type yet: the store names the element type without one.
    'todo.ts': `export function makeTodo(id: number, title: string) {
  return { id, title, done: false };
}
`,
    'store.ts': `import { makeTodo } from './todo';

export class Store {
  todos: Array<ReturnType<typeof makeTodo>> = [];
  add(title: string) {
    const todo = makeTodo(this.todos.length + 1, title);
    this.todos.push(todo);
    return todo;
  }
}
export const store = new Store();
`,
  });
  const app = await App.start('tsx', { fixture: source, args: todoStoreArgs });
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const todoFile = app.file('todo.ts');
  await lsp.waitForModule(todoFile);
  await lsp.waitForModule(app.file('store.ts'));
  await app.get('/?title=first');
  const todoText = readFileSync(todoFile, 'utf8');
  await lsp.open(todoFile, todoText);

  // Sent ahead untested (its last text had neither state nor exported types); the test finds
  // an exported type, and the save made again with its analyses finds the store's todos changed.
  const tagged =
    todoText.replace('done: false }', 'done: false, tags: [] as string[] }') +
    'export type Todo = ReturnType<typeof makeTodo>;\n';
  writeFileSync(todoFile, tagged);
  lsp.answer = () => null;
  const refused = await lsp.save(todoFile, tagged);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));
  assert.match(
    refused.lines.join('\n'),
    /^store\.ts: Store\.todos: .* changed since v\w+ running in .*: \+ tags: string\[\]$/m,
  );
  assert.ok(
    lsp.log.some((line) =>
      line.includes('todo.ts may hold state or export types now: prepared again with its analyses'),
    ),
    lsp.log.join('\n'),
  );
  // Nothing loaded: the app still makes todos without tags.
  assert.deepEqual(JSON.parse(await app.get('/?title=second')), { id: 2, title: 'second', done: false });
});
