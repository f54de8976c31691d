export interface Todo {
  id: number;
  title: string;
  done: boolean;
}

const todos: Todo[] = [];
let nextId = 1;

export const store = {
  list(): Todo[] {
    return todos;
  },
  add(title: string): Todo {
    const todo = { id: nextId++, title, done: false };
    todos.push(todo);
    return todo;
  },
};
