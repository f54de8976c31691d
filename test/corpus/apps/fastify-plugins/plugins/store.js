const fp = require('fastify-plugin');

// Decorates the instance with an in-memory note store shared by every route plugin.
module.exports = fp(async function store(fastify) {
  const notes = new Map();
  let sequence = 0;
  fastify.decorate('notes', {
    add(note) {
      const saved = { id: ++sequence, createdAt: Date.now(), ...note };
      notes.set(saved.id, saved);
      return saved;
    },
    get: (id) => notes.get(id),
    all: () => [...notes.values()],
  });
});
