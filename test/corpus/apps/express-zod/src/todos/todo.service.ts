import type { CreateTodoInput, Todo } from './todo.schema.js';

// The app's data: a singleton service holding the todos in its fields.
class TodoService {
  private todos: Todo[] = [{ id: 1, title: 'try hot reload', done: false }];
  private nextId = 2;

  async list(page: number, pageSize: number): Promise<Todo[]> {
    return this.todos.slice((page - 1) * pageSize, page * pageSize);
  }

  async find(id: number): Promise<Todo | undefined> {
    return this.todos.find((todo) => todo.id === id);
  }

  async create(input: CreateTodoInput): Promise<Todo> {
    const todo = { id: this.nextId++, ...input };
    this.todos.push(todo);
    return todo;
  }

  count(): number {
    return this.todos.length;
  }
}

export const todoService = new TodoService();
