'use strict';
const fp = require('fastify-plugin');

// The task list, decorated onto the instance for every route to share.
module.exports = fp(async function tasks(fastify) {
  const list = [];
  let nextId = 1;
  fastify.decorate('tasks', {
    add(title) {
      const task = { id: nextId++, title, done: false };
      list.push(task);
      return task;
    },
    all() {
      return list;
    },
    find(id) {
      return list.find((task) => task.id === id);
    },
  });
});
