/**
 * A module whose exports other modules type their state with (`type Todo = ReturnType<typeof
 * makeTodo>`, as `z.infer<typeof TodoSchema>` is, or `ReturnType<typeof makeTodo>` written in
 * the importer, with no type exported): its save changes those state types, so it asks for a
 * migration in the module that holds the state, and loads with that migration, in one release.
 * Through the real language server over stdio and a real app run by tsx.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { runCli } from '../helpers/cli';
import { LspSession } from '../helpers/lsp';
import { runningTodoStore, startedTodoStore } from '../helpers/todo-store-app';

function stateDiagnostics(lsp: LspSession, file: string): Diagnostic[] {
  const diagnostics = lsp.diagnostics.get(pathToFileURL(file).href)?.diagnostics ?? [];
  return diagnostics.filter((d) => d.code === 'state-changed');
}

test('a module whose exported type a class field holds gains a field: the save asks for a migration in the class, and loads with it', async () => {
  const { app, lsp, todoFile, storeFile, todoText } = await startedTodoStore('state-importers');
  const storeText = readFileSync(storeFile, 'utf8');
  await lsp.open(storeFile, storeText);

  const tagged = todoText.replace('done: false }', 'done: false, tags: [] as string[] }');
  writeFileSync(todoFile, tagged);
  lsp.answer = () => null;
  const refused = await lsp.save(todoFile, tagged);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));
  assert.match(
    refused.lines.join('\n'),
    /^store\.ts: Store\.todos: Todo\[\] changed since v\w+ running in .*: \+ tags: string\[\]$/,
  );
  // Nothing loaded: the app makes todos without tags, and has not converted its own.
  assert.deepEqual(JSON.parse(await app.get('/?title=second')), { id: 2, title: 'second', done: false });
  const [diagnostic] = stateDiagnostics(lsp, storeFile);
  assert.ok(diagnostic, 'a diagnostic on the class that holds the state');

  const uri = pathToFileURL(storeFile).href;
  const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as CodeAction[];
  const migrated = TextDocument.applyEdits(
    TextDocument.create(uri, 'typescript', 1, storeText),
    actions[0]!.edit!.changes![uri]!,
  );
  assert.match(migrated, /static codeChange\(/);
  writeFileSync(storeFile, migrated);
  const loaded = await lsp.save(storeFile, migrated);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  // One release: the migration, and the module that waited for it.
  assert.deepEqual(loaded.release, [uri, pathToFileURL(todoFile).href]);
  assert.deepEqual(stateDiagnostics(lsp, storeFile), [], 'the diagnostic is cleared');
  assert.deepEqual(JSON.parse(await app.get('/')), [
    { id: 1, title: 'first', done: false, tags: [] },
    { id: 2, title: 'second', done: false, tags: [] },
  ]);
  assert.deepEqual(JSON.parse(await app.get('/?title=third')), { id: 3, title: 'third', done: false, tags: [] });
});

test('hotpatch load of such a module compares with the text the app runs: it refuses, names the state, and loads nothing', async () => {
  const app = await runningTodoStore('state-importers');
  app.edit('todo.ts', (text) => text.replace('done: false }', 'done: false, tags: [] as string[] }'));
  const cli = await runCli(['load', app.file('todo.ts')], app.discoveryDir);
  assert.notEqual(cli.code, 0, cli.stdout);
  assert.match(cli.stdout + cli.stderr, /Store\.todos: Todo\[\] changed since v\w+ running in .*: \+ tags: string\[\]/);
  assert.deepEqual(JSON.parse(await app.get('/?title=second')), { id: 2, title: 'second', done: false });
});

/** todo.ts exports no type: the store names the element type through the function itself. */
const typedThroughFunction: Record<string, string> = {
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
};

test('a module that exports no type, only the function whose return type a class field holds, asks for a migration when that type gains a field', async () => {
  const { app, lsp, todoFile, todoText } = await startedTodoStore('state-importers-typeof', typedThroughFunction);

  // The todos the store holds would lack the new field: nothing loads until a migration exists.
  const tagged = todoText.replace('done: false }', 'done: false, tags: [] as string[] }');
  writeFileSync(todoFile, tagged);
  lsp.answer = () => null;
  const refused = await lsp.save(todoFile, tagged);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));
  assert.match(
    refused.lines.join('\n'),
    /^store\.ts: Store\.todos: .* changed since v\w+ running in .*: \+ tags: string\[\]$/m,
  );
  assert.deepEqual(JSON.parse(await app.get('/?title=second')), { id: 2, title: 'second', done: false });

  // A change that leaves the type as it was (titles kept upper case) loads at once.
  const shouting = todoText.replace(
    'return { id, title, done: false };',
    'return { id, title: title.toUpperCase(), done: false };',
  );
  writeFileSync(todoFile, shouting);
  const loaded = await lsp.save(todoFile, shouting);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.deepEqual(JSON.parse(await app.get('/?title=third')), { id: 3, title: 'THIRD', done: false });
});

test('hotpatch load of a module that exports no type, only the function whose return type a class field holds: it refuses, names the state, and loads nothing', async () => {
  const app = await runningTodoStore('state-importers-typeof-cli', typedThroughFunction);
  app.edit('todo.ts', (text) => text.replace('done: false }', 'done: false, tags: [] as string[] }'));
  const cli = await runCli(['load', app.file('todo.ts')], app.discoveryDir);
  assert.notEqual(cli.code, 0, cli.stdout);
  assert.match(cli.stdout + cli.stderr, /Store\.todos: .* changed since v\w+ running in .*: \+ tags: string\[\]/);
  assert.deepEqual(JSON.parse(await app.get('/?title=second')), { id: 2, title: 'second', done: false });
});
