/**
 * State types everywhere (issue 10 item 3), through the real language server over stdio and a
 * real app (TypeScript compiled by tsc, the agent via -r): a change to an interface file is a
 * change to the class field and the module binding typed with it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { migrationPreviewRequest } from '../../extension/src/shared/lsp-extensions';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { App } from '../helpers/app';
import { runCli } from '../helpers/cli';
import { LspSession } from '../helpers/lsp';
import { typeErrors } from '../helpers/state-types';
import { waitFor } from '../helpers/wait';

async function holdersApp() {
  const app = await App.start('ts-cjs', { fixture: 'ts-holders' });
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  await lsp.waitForModule(app.file('src/cats.service.ts'));
  await lsp.waitForModule(app.file('src/todos.ts'));
  return { app, lsp };
}

/** Opens `file` as the editor does and returns its text. */
async function open(lsp: LspSession, file: string): Promise<string> {
  const text = readFileSync(file, 'utf8');
  await lsp.open(file, text);
  return text;
}

function stateDiagnostics(lsp: LspSession, file: string): Diagnostic[] {
  const diagnostics = lsp.diagnostics.get(pathToFileURL(file).href)?.diagnostics ?? [];
  return diagnostics.filter((d) => d.code === 'state-changed');
}

/** The quick fix's edits applied to `text`, which must then type-check. */
async function quickFix(lsp: LspSession, file: string, text: string, diagnostic: Diagnostic): Promise<string> {
  const uri = pathToFileURL(file).href;
  const actions = (await lsp.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: diagnostic.range,
    context: { diagnostics: [diagnostic] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.equal(actions[0]!.title, 'Generate codeChange migration from v1');
  const migrated = TextDocument.applyEdits(
    TextDocument.create(uri, 'typescript', 1, text),
    actions[0]!.edit!.changes![uri]!,
  );
  assert.deepEqual(typeErrors({ [file]: migrated }, file), [], migrated);
  return migrated;
}

test('an interface file gains a field: the class field typed with it needs a migration (prompt, diagnostic, stub), also at the next save of the class', async () => {
  const { app, lsp } = await holdersApp();
  await app.get('/cats/add?name=Tom');
  await app.get('/cats/add?name=Ada');
  const typeFile = app.file('src/cat.interface.ts');
  const serviceFile = app.file('src/cats.service.ts');
  const types = await open(lsp, typeFile);
  const service = await open(lsp, serviceFile);

  const withColor = types.replace('  age: number;\n', '  age: number;\n  color: string;\n');
  writeFileSync(typeFile, withColor);
  lsp.answer = () => null;
  const refused = await lsp.save(typeFile, withColor);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));
  assert.match(
    refused.lines.join('\n'),
    /^cats\.service\.ts: CatsService\.cats: Cat\[\] changed since v1 running in .* \(pid \d+\): \+ color: string$/,
  );
  await waitFor('the migration prompt', () => lsp.prompts.length === 1);
  assert.match(lsp.prompts[0]!.message, /CatsService\.cats: Cat\[\] changed since v1/);
  assert.deepEqual(stateDiagnostics(lsp, typeFile), [], 'nothing on the type file');
  const [diagnostic] = stateDiagnostics(lsp, serviceFile);
  assert.ok(diagnostic, 'a diagnostic on the service');
  assert.match(service.split('\n')[diagnostic.range.start.line]!, /private readonly cats: Cat\[\]/);

  // The service's own next save is compared with the types its instances still hold.
  const sortedByAge = service.replace('a.name.localeCompare(b.name)', 'a.age - b.age');
  writeFileSync(serviceFile, sortedByAge);
  const again = await lsp.save(serviceFile, sortedByAge);
  assert.equal(again.outcome, 'migrationNeeded', again.lines.join('\n'));
  assert.match(again.lines[0]!, /^CatsService\.cats: Cat\[\] changed since v1 .*: \+ color: string$/);

  const migrated = await quickFix(lsp, serviceFile, sortedByAge, stateDiagnostics(lsp, serviceFile)[0]!);
  assert.match(migrated, /static codeChange\(from: string \| \{ down: string \}, old: unknown\)/);
  assert.match(migrated, /color: '', \/\/ new/);
  assert.deepEqual(JSON.parse(await app.get('/cats')), [
    { name: 'Ada', age: 1 },
    { name: 'Tom', age: 1 },
  ]);

  // Preview migration: the live instance's fields before and after, nothing changed.
  const serviceUri = pathToFileURL(serviceFile).href;
  await lsp.change(serviceFile, migrated);
  const { plans } = await lsp.connection.sendRequest(migrationPreviewRequest, { uri: serviceUri });
  assert.equal(plans.length, 1);
  assert.equal(plans[0]!.ok, true, JSON.stringify(plans[0]));
  assert.deepEqual(plans[0]!.modules[0]!.holders, [{ key: 'class:CatsService', instances: 1, migration: true }]);
  const preview = plans[0]!.previews.find((p) => p.process.startsWith('CatsService instance'));
  assert.ok(preview, JSON.stringify(plans[0]!.previews));
  assert.deepEqual((preview.after as { cats: unknown }).cats, [
    { name: 'Tom', age: 1, color: '' },
    { name: 'Ada', age: 1, color: '' },
  ]);
  assert.equal(JSON.parse(await app.get('/cats')).length, 2, 'the preview changed nothing');

  // Saving the migration loads the service with its live instance's cats converted.
  writeFileSync(serviceFile, migrated);
  const loaded = await lsp.save(serviceFile, migrated);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.deepEqual(stateDiagnostics(lsp, serviceFile), [], 'the diagnostic is cleared');
  await app.get('/cats/add?name=Bo');
  assert.deepEqual(JSON.parse(await app.get('/cats')), [
    { name: 'Tom', age: 1, color: '' },
    { name: 'Ada', age: 1, color: '' },
    { name: 'Bo', age: 1 },
  ]);
});

test('a module binding typed by an interface file: "Generate migration" writes an exported codeChange there', async () => {
  const { app, lsp } = await holdersApp();
  await app.get('/todos/add?title=milk');
  const typeFile = app.file('src/todo.ts');
  const todosFile = app.file('src/todos.ts');
  const types = await open(lsp, typeFile);
  const todos = await open(lsp, todosFile);

  const withDone = types.replace('  title: string;\n', '  title: string;\n  done: boolean;\n');
  writeFileSync(typeFile, withDone);
  lsp.answer = (params) => params.actions?.find((a) => a.title === 'Generate migration') ?? null;
  const refused = await lsp.save(typeFile, withDone);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));
  assert.match(
    refused.lines[0]!,
    /^todos\.ts: module variables of todos\.ts: todos: Todo\[\] changed since v1 .*: \+ done: boolean$/,
  );
  await waitFor('the stub written and revealed', () => lsp.shownDocuments.length === 1);
  const todosUri = pathToFileURL(todosFile).href;
  assert.equal(lsp.shownDocuments[0]!.uri, todosUri);
  const migrated = TextDocument.applyEdits(
    TextDocument.create(todosUri, 'typescript', 1, todos),
    lsp.appliedEdits[0]!.edit.changes![todosUri]!,
  );
  assert.match(
    migrated,
    /export function codeChange\(from: string \| \{ down: string \}, old: unknown\): \{ todos\?: typeof todos \}/,
  );
  // The one place the app makes Todos gets its `done` from the author.
  const completed = migrated.replace('{ id: todos.length + 1, title }', '{ id: todos.length + 1, title, done: false }');
  assert.deepEqual(typeErrors({ [todosFile]: completed }, todosFile), [], completed);
  assert.deepEqual(JSON.parse(await app.get('/todos')), [{ id: 1, title: 'milk' }], 'app untouched');

  // Saving it converts the binding's live value: the todo made before has its `done`.
  writeFileSync(todosFile, completed);
  const loaded = await lsp.save(todosFile, completed);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  await app.get('/todos/add?title=eggs');
  assert.deepEqual(JSON.parse(await app.get('/todos')), [
    { id: 1, title: 'milk', done: false },
    { id: 2, title: 'eggs', done: false },
  ]);

  // A second change: the codeChange in the file is the running version's own, which ran when it
  // came and is not run again. The save asks for a migration again, and the new codeChange
  // takes the old one's place.
  const withTags = withDone.replace('  done: boolean;\n', '  done: boolean;\n  tags: string[];\n');
  writeFileSync(typeFile, withTags);
  const again = await lsp.save(typeFile, withTags);
  assert.equal(again.outcome, 'migrationNeeded', again.lines.join('\n'));
  assert.match(
    again.lines[0]!,
    /changed since v\S+ .*: \+ tags: string\[\] \(the codeChange in the file is v\S+'s own, already run\)$/,
  );
  await waitFor('the second stub written', () => lsp.appliedEdits.length === 2);
  const migratedAgain = TextDocument.applyEdits(
    TextDocument.create(todosUri, 'typescript', 1, completed),
    lsp.appliedEdits[1]!.edit.changes![todosUri]!,
  ).replace('title, done: false }', "title, done: false, tags: ['new'] }");
  assert.equal(migratedAgain.match(/function codeChange/g)?.length, 1, migratedAgain);
  assert.deepEqual(typeErrors({ [todosFile]: migratedAgain }, todosFile), [], migratedAgain);
  writeFileSync(todosFile, migratedAgain);
  const loadedAgain = await lsp.save(todosFile, migratedAgain);
  assert.equal(loadedAgain.outcome, 'loaded', loadedAgain.lines.join('\n'));
  await app.get('/todos/add?title=tea');
  assert.deepEqual(JSON.parse(await app.get('/todos')), [
    { id: 1, title: 'milk', done: false, tags: [] },
    { id: 2, title: 'eggs', done: false, tags: [] },
    { id: 3, title: 'tea', done: false, tags: ['new'] },
  ]);
});

test('a type file whose change leaves the state types alone loads nothing and says so', async () => {
  const { app, lsp } = await holdersApp();
  const typeFile = app.file('src/cat.interface.ts');
  const types = await open(lsp, typeFile);
  const documented = types.replace('  name: string;', '  /** As the owner calls it. */\n  name: string;');
  writeFileSync(typeFile, documented);
  const report = await lsp.save(typeFile, documented);
  assert.equal(report.outcome, 'unchanged', report.lines.join('\n'));
  assert.match(
    report.lines[0]!,
    /types only, nothing to load; the state types of the 1 running module\(s\) importing it are unchanged/,
  );
});

test('hotpatch load of a changed interface file it cannot compare loads nothing that imports it, and says why', async () => {
  const app = await App.start('ts-cjs', { fixture: 'ts-holders' });
  after(() => app.stop());
  await app.get('/cats/add?name=Tom');
  const interfaceFile = app.file('src/cat.interface.ts');
  const serviceFile = app.file('src/cats.service.ts');
  writeFileSync(
    interfaceFile,
    readFileSync(interfaceFile, 'utf8').replace('age: number;', 'age: number;\n  color: string;'),
  );
  writeFileSync(
    serviceFile,
    readFileSync(serviceFile, 'utf8').replace('a.name.localeCompare(b.name)', 'a.color.localeCompare(b.color)'),
  );
  // The service first on the command line: the type file is still checked before it.
  const cli = await runCli(['load', serviceFile, interfaceFile], app.discoveryDir);
  assert.equal(cli.code, 1, cli.stdout + cli.stderr);
  assert.match(cli.stderr, /cat\.interface\.ts holds types only, and the running app was built with an earlier text/);
  assert.match(cli.stderr, /cats\.service\.ts: not loaded/);
  // Nothing was loaded: the old sort still serves the old cats.
  assert.deepEqual(JSON.parse(await app.get('/cats')), [{ name: 'Tom', age: 1 }]);
});

test('a class keeping its state in ES private fields (#notes): a type change asks for a migration, whose codeChange converts them in every live instance', async () => {
  const { app, lsp } = await holdersApp();
  await app.get('/notes/add?text=first');
  await app.get('/notes/add?text=second');
  const serviceFile = app.file('src/notes.service.ts');
  const service = await open(lsp, serviceFile);
  const pinned = service
    .replace('  text: string;\n}', '  text: string;\n  pinned: boolean;\n}')
    .replace('this.#notes.push({ text });', 'this.#notes.push({ text, pinned: false });')
    .replace('(note) => note.text', '(note) => `${note.text}:${note.pinned}`');
  writeFileSync(serviceFile, pinned);
  lsp.answer = () => null;
  const refused = await lsp.save(serviceFile, pinned);
  assert.equal(refused.outcome, 'migrationNeeded', refused.lines.join('\n'));
  assert.match(refused.lines[0]!, /^NotesService\.#notes: Note\[\] changed since v1 .*: \+ pinned: boolean$/);
  assert.deepEqual(JSON.parse(await app.get('/notes')), ['first', 'second'], 'nothing loaded');

  // A file importing the service loads, and says that the service's saved text is not what runs.
  const appFile = app.file('src/app.ts');
  const entry = await open(lsp, appFile);
  const listCopied = entry.replace("['/notes', () => notes.list()],", "['/notes', () => notes.list().slice()],");
  writeFileSync(appFile, listCopied);
  const warned = await lsp.save(appFile, listCopied);
  assert.equal(warned.outcome, 'loaded', warned.lines.join('\n'));
  assert.match(
    warned.lines.join('\n'),
    /⚠ .*\n(.*\n)* {2}not applied: notes\.service\.ts: its saved text is not the version running/,
  );
  await waitFor('the restart offer', () =>
    lsp.prompts.some((p) => /notes\.service\.ts: its saved text is not the version running.*Restart/.test(p.message)),
  );

  const migrated = await quickFix(lsp, serviceFile, pinned, stateDiagnostics(lsp, serviceFile)[0]!);
  assert.match(migrated, /'#notes': fields\['#notes'\]\.map/);
  writeFileSync(serviceFile, migrated);
  const loaded = await lsp.save(serviceFile, migrated);
  assert.equal(loaded.outcome, 'loaded', loaded.lines.join('\n'));
  assert.deepEqual(JSON.parse(await app.get('/notes')), ['first:false', 'second:false']);
  assert.equal(JSON.parse(await app.get('/notes/add?text=third')), 3, '#added kept its count');
  assert.deepEqual(JSON.parse(await app.get('/notes')), ['first:false', 'second:false', 'third:false']);
  const again = await lsp.save(appFile, entry);
  assert.equal(again.outcome, 'loaded', again.lines.join('\n'));
  assert.doesNotMatch(again.lines.join('\n'), /not applied/, 'the service runs as saved now');

  // A private field the running class does not have cannot be written into its instances: refused, nothing changes.
  const withTags = migrated
    .replace('  #added = 0;\n', '  #added = 0;\n  #tags: string[] = [];\n')
    .replace("if (vsn !== '1') return {};", "if (vsn === '1') return { '#tags': ['kept'] };");
  writeFileSync(serviceFile, withTags);
  const refusedTags = await lsp.save(serviceFile, withTags);
  assert.equal(refusedTags.outcome, 'failed', refusedTags.lines.join('\n'));
  assert.match(refusedTags.lines.join('\n'), /'#tags', a private field the running NotesService does not have/);
  assert.deepEqual(JSON.parse(await app.get('/notes')), ['first:false', 'second:false', 'third:false']);
});
