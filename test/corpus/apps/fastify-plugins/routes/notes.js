const { summarize } = require('../lib/summary');

const DEFAULT_TAG = 'general';

module.exports = async function notesRoutes(fastify, opts) {
  fastify.get('/', async () => {
    return { notes: fastify.notes.all().map((note) => summarize(note)) };
  });

  fastify.get('/:id', async (request, reply) => {
    const note = fastify.notes.get(Number(request.params.id));
    if (!note) return reply.code(404).send({ error: 'note not found' });
    return note;
  });

  fastify.post('/', async (request, reply) => {
    const { title, tag } = request.body ?? {};
    if (!title) return reply.code(400).send({ error: 'title is required' });
    reply.code(201);
    return fastify.notes.add({ title, tag: tag ?? DEFAULT_TAG });
  });
};
