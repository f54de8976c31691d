// The app's data: a Map in this module's closure, reached only through the store's methods.
export function createTodoStore() {
  const todos = new Map();
  let nextId = 1;
  return {
    add(title) {
      const todo = { id: nextId++, title, done: false };
      todos.set(todo.id, todo);
      return todo;
    },
    all() {
      return [...todos.values()];
    },
    get(id) {
      return todos.get(id);
    },
    complete(id) {
      const todo = todos.get(id);
      if (todo) todo.done = true;
      return todo;
    },
  };
}
