// A singleton service holding its data in class fields; its dependencies come from the
// container's cradle (awilix's default PROXY mode).
const { titleOf } = require('../lib/format');

class TodoService {
  constructor({ config, auditLog, clock }) {
    this.config = config;
    this.auditLog = auditLog;
    this.clock = clock;
    this.todos = [];
    this.nextId = 1;
  }

  add(title) {
    if (this.todos.length >= this.config.maxTodos) throw new Error('too many todos');
    const todo = { id: this.nextId++, title: titleOf(title), done: false, at: this.clock() };
    this.todos.push(todo);
    this.auditLog.record('add', todo.id);
    return todo;
  }

  complete(id) {
    const todo = this.todos.find((t) => t.id === id);
    if (!todo) return undefined;
    todo.done = true;
    this.auditLog.record('complete', id);
    return todo;
  }

  list() {
    return this.todos.map((t) => ({ id: t.id, title: t.title, done: t.done }));
  }
}

module.exports = { TodoService };
