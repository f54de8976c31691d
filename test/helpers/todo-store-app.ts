/**
 * A small tsx app whose store holds, in a class field, the todos a function of another module
 * makes (`todos: Todo[]`, `type Todo = ReturnType<typeof makeTodo>`): the shape of a state type
 * another module's save can change. `GET /?title=…` adds one and answers it; `GET /` lists them.
 * Tests give their own `todo.ts` or `store.ts` over these where they need another shape.
 */
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
