import { inject, singleton } from 'tsyringe';
import type { Todo } from '../types';
import { Clock } from './clock';

/** The todos, kept by the one instance the container makes. */
@singleton()
export class TodoService {
  private readonly todos: Todo[] = [];
  private nextId = 1;

  constructor(@inject(Clock) private readonly clock: Clock) {
    this.add('read the tsyringe docs');
  }

  add(title: string): Todo {
    const todo: Todo = { id: this.nextId++, title, done: false, createdAt: this.clock.now() };
    this.todos.push(todo);
    return todo;
  }

  list(): Todo[] {
    return this.todos;
  }

  find(id: number): Todo | undefined {
    return this.todos.find((todo) => todo.id === id);
  }

  complete(id: number): Todo | undefined {
    const todo = this.find(id);
    if (todo) todo.done = true;
    return todo;
  }
}
