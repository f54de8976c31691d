/**
 * A small tsx app whose store holds, in a class field, the todos a function of another module
 * makes (`todos: Todo[]`, `type Todo = ReturnType<typeof makeTodo>`): the shape of a state type
 * another module's save can change. `GET /?title=…` adds one and answers it; `GET /` lists them.
 * Tests give their own `todo.ts` or `store.ts` over these where they need another shape.
 */
import { readFileSync } from 'node:fs';
import { after } from 'node:test';
import { App } from './app';
import { LspSession } from './lsp';
import { scratchFiles } from './scratch';

export const todoStoreApp: Record<string, string> = {
  'package.json': '{}',
  'todo.ts': `export function makeTodo(id: number, title: string) {
  return { id, title, done: false };
}
export type Todo = ReturnType<typeof makeTodo>;
`,
  'store.ts': `import { makeTodo, type Todo } from './todo';

export class Store {
  todos: Todo[] = [];
  add(title: string): Todo {
    const todo = makeTodo(this.todos.length + 1, title);
    this.todos.push(todo);
    return todo;
  }
}
export const store = new Store();
`,
  'app.ts': `import http from 'node:http';
import { store } from './store';

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const title = url.searchParams.get('title');
  res.end(JSON.stringify(title ? store.add(title) : store.todos));
});
server.listen(0, '127.0.0.1', () => console.log('LISTENING ' + (server.address() as { port: number }).port));
`,
};

/** The node arguments that run the app with tsx and the agent. */
export const todoStoreArgs = ['--import', 'tsx', '-r', 'hotpatch-agent/register', 'app.ts'];

/**
 * The app (todoStoreApp with `files` over it) run with the agent, one todo made ('first'). It
 * stops after the test.
 */
export async function runningTodoStore(name: string, files: Record<string, string> = {}): Promise<App> {
  const app = await App.start('tsx', {
    fixture: scratchFiles(name, { ...todoStoreApp, ...files }),
    args: todoStoreArgs,
  });
  after(() => app.stop());
  await app.get('/?title=first');
  return app;
}

/** The todo store running, as startedTodoStore leaves it. */
export interface StartedTodoStore {
  app: App;
  lsp: LspSession;
  todoFile: string;
  storeFile: string;
  /** todo.ts as the app runs it, open in the language server. */
  todoText: string;
}

/**
 * runningTodoStore's app, with the real language server connected and seeing both modules,
 * and todo.ts open. Both stop after the test.
 */
export async function startedTodoStore(name: string, files: Record<string, string> = {}): Promise<StartedTodoStore> {
  const app = await runningTodoStore(name, files);
  const lsp = await LspSession.start(app.discoveryDir);
  after(() => lsp.stop());
  const todoFile = app.file('todo.ts');
  const storeFile = app.file('store.ts');
  await lsp.waitForModule(todoFile);
  await lsp.waitForModule(storeFile);
  const todoText = readFileSync(todoFile, 'utf8');
  await lsp.open(todoFile, todoText);
  return { app, lsp, todoFile, storeFile, todoText };
}
