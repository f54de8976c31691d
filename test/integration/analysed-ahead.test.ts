/**
 * A module with state, typed and then saved: its state types are analysed while typing pauses
 * (engine/read-ahead.ts), and the save takes that analysis, where nothing it read changed since
 * (state-types/analyzer.ts). Through the real language server over stdio and a real app run by
 * tsx; the type the state holds is imported from a file of types.
 */
import assert from 'node:assert/strict';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import { App } from '../helpers/app';
import { LspSession } from '../helpers/lsp';
import { scratchFiles } from '../helpers/scratch';
import { waitFor } from '../helpers/wait';
import * as ext from '../../extension/src/shared/lsp-extensions';

const files = {
  'package.json': '{}',
  'types.ts': 'export interface Todo { id: number; title: string }\n',
  'store.ts': `import type { Todo } from './types';

const todos: Todo[] = [];
export function add(title: string): Todo {
  const todo = { id: todos.length + 1, title };
  todos.push(todo);
  return todo;
}
export function describe(): string {
  return 'todos: ' + todos.length;
}
`,
  'app.ts': `import http from 'node:http';
import { add, describe } from './store';

const server = http.createServer((req, res) => {
  const title = new URL(req.url ?? '/', 'http://localhost').searchParams.get('title');
  res.end(title ? JSON.stringify(add(title)) : describe());
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + (server.address() as { port: number }).port));
`,
};

async function started(
  appFiles: Record<string, string> = files,
  edited = 'store.ts',
): Promise<{
  app: App;
  lsp: LspSession;
  storeFile: string;
  typed: (text: string) => Promise<void>;
}> {
  const app = await App.start('tsx', {
    fixture: scratchFiles('analysed-ahead', appFiles),
    args: ['--import', 'tsx', '-r', 'hotpatch-agent/register', 'app.ts'],
  });
  after(() => app.stop());
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  let readings = 0;
  lsp.connection.onNotification(ext.readAhead, () => void readings++);
  const storeFile = app.file(edited);
  await lsp.waitForModule(storeFile);
  await lsp.open(storeFile, readFileSync(storeFile, 'utf8'));
  const typed = async (text: string): Promise<void> => {
    const before = readings;
    await lsp.change(storeFile, text);
    await waitFor('the reading of the typed text', () => readings > before);
  };
  return { app, lsp, storeFile, typed };
}

test('a module with state, typed then saved: the save takes the analysis made while typing paused', async () => {
  const { app, lsp, storeFile, typed } = await started();
  await app.get('/?title=first');
  const original = readFileSync(storeFile, 'utf8');

  for (const word of ['items', 'entries']) {
    const text = original.replace("'todos: '", `'${word}: '`);
    await typed(text);
    const saved = await lsp.save(storeFile, text);
    assert.equal(saved.outcome, 'loaded', saved.lines.join('\n'));
    const [line] = saved.lines.filter((l) => l.includes('state types '));
    assert.match(line ?? '', /state types [\d.]+ ms \(analysed ahead\)/, saved.lines.join('\n'));
    assert.equal(await app.get('/'), `${word}: 1`, 'the new code runs, on the todos the app had');
  }
});

test('a type the state holds changed on disk after typing paused: the save analyses again, and asks for a migration', async () => {
  const { app, lsp, storeFile, typed } = await started();
  await app.get('/?title=first');
  const text = readFileSync(storeFile, 'utf8').replace("'todos: '", "'items: '");
  await typed(text);
  // Written by another tool (a git checkout, a generator) between the pause and the save; its
  // mtime set a second on, whatever the disk's clock.
  const typesFile = app.file('types.ts');
  writeFileSync(typesFile, 'export interface Todo { id: number; title: string; done: boolean }\n');
  const later = Date.now() / 1000 + 1;
  utimesSync(typesFile, later, later);

  const saved = await lsp.save(storeFile, text);
  assert.equal(saved.outcome, 'migrationNeeded', saved.lines.join('\n'));
  assert.match(
    saved.lines.join('\n'),
    /module variables of store\.ts: todos: Todo\[\] changed since .*\+ done: boolean/,
  );
  assert.equal(await app.get('/'), 'todos: 1', 'nothing loaded');
});

test('a module with state whose type another module holds: its first typed save is analysed ahead too', async () => {
  // todo.ts holds state and exports the type store.ts's class holds: its save analyses both.
  const {
    app,
    lsp,
    storeFile: todoFile,
    typed,
  } = await started(
    {
      'package.json': '{}',
      'todo.ts': `export interface Todo { id: number; title: string }

const recent: Todo[] = [];
export function remember(todo: Todo): number {
  recent.push(todo);
  return recent.length;
}
`,
      'store.ts': `import { remember, type Todo } from './todo';

export class Store {
  todos: Todo[] = [];
  add(title: string): number {
    const todo = { id: this.todos.length + 1, title };
    this.todos.push(todo);
    return remember(todo);
  }
}
export const store = new Store();
`,
      'app.ts': `import http from 'node:http';
import { store } from './store';

const server = http.createServer((req, res) => {
  const title = new URL(req.url ?? '/', 'http://localhost').searchParams.get('title');
  res.end(String(title ? store.add(title) : store.todos.length));
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + (server.address() as { port: number }).port));
`,
    },
    'todo.ts',
  );
  await lsp.waitForModule(app.file('store.ts'));
  assert.equal(await app.get('/?title=first'), '1');
  const text = readFileSync(todoFile, 'utf8').replace('return recent.length;', 'return recent.length * 10;');
  await typed(text);
  const saved = await lsp.save(todoFile, text);
  assert.equal(saved.outcome, 'loaded', saved.lines.join('\n'));
  assert.match(saved.lines.join('\n'), /state types [\d.]+ ms \(analysed ahead\)/);
  assert.equal(await app.get('/?title=second'), '20', 'the new code runs, on the state the app had');
});

test('a file of types and an enum, without state, whose types another module holds: its typed save is analysed ahead too', async () => {
  // user.ts declares no state, so its save goes to the app before its own text is tested
  // (stateless-files.ts); the save still analyses store.ts, whose users are its User.
  const {
    app,
    lsp,
    storeFile: userFile,
    typed,
  } = await started(
    {
      'package.json': '{}',
      'user.ts': `export enum Role {
  Admin = 'admin',
  Member = 'member',
}
export interface User {
  name: string;
  role: Role;
}
export function isRole(value: string): value is Role {
  return (Object.values(Role) as string[]).includes(value);
}
`,
      'store.ts': `import { isRole, type User } from './user';

const users: User[] = [];
export function add(name: string, role: string): string {
  if (!isRole(role)) return 'no role ' + role;
  users.push({ name, role });
  return users.map((user) => user.name + ':' + user.role).join(',');
}
`,
      'app.ts': `import http from 'node:http';
import { add } from './store';

const server = http.createServer((req, res) => {
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  res.end(add(query.get('name') ?? '', query.get('role') ?? ''));
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + (server.address() as { port: number }).port));
`,
    },
    'user.ts',
  );
  await lsp.waitForModule(app.file('store.ts'));
  assert.equal(await app.get('/?name=ada&role=admin'), 'ada:admin');
  assert.equal(await app.get('/?name=bob&role=guest'), 'no role guest');
  const text = readFileSync(userFile, 'utf8').replace(
    "  Member = 'member',\n",
    "  Member = 'member',\n  Guest = 'guest',\n",
  );
  await typed(text);
  const saved = await lsp.save(userFile, text);
  assert.equal(saved.outcome, 'loaded', saved.lines.join('\n'));
  const report = saved.lines.join('\n');
  assert.match(report, /state types [\d.]+ ms \(analysed ahead\)/);
  // tsx's CommonJS ends with `0 && (module.exports = { Role, … })`, which never runs: nothing read Role once.
  assert.match(report, /✓ .* user\.ts: vsn/);
  assert.doesNotMatch(report, /not applied/);
  assert.equal(
    await app.get('/?name=bob&role=guest'),
    'ada:admin,bob:guest',
    'the new member is one, and the users were kept',
  );
});
