// The task board: its tasks in this module's variables.
const tasks = [];
let nextId = 1;

function add(title, owner) {
  const task = { id: nextId++, title, owner, done: false };
  tasks.push(task);
  return task;
}

function all() {
  return tasks;
}

function complete(id) {
  const task = tasks.find((t) => t.id === id);
  if (task) task.done = true;
  return task;
}

module.exports = { add, all, complete };
