import { Priority, type Todo } from '../types.ts';

export class TodoStore {
  #todos = new Map<number, Todo>();
  #nextId = 1;

  list(limit: number): Todo[] {
    return [...this.#todos.values()].slice(0, limit);
  }

  add(title: string, priority: Priority = Priority.Low): Todo {
    const todo: Todo = { id: this.#nextId++, title, priority, done: false };
    this.#todos.set(todo.id, todo);
    return todo;
  }

  toggle(id: number): Todo | undefined {
    const todo = this.#todos.get(id);
    if (todo) todo.done = !todo.done;
    return todo;
  }
}

export const todos = new TodoStore();
