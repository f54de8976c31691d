'use strict';

// Registered under /tasks: autoload makes the folder's name the prefix.
module.exports = async function tasks(fastify) {
  fastify.get('/', async function () {
    const all = fastify.tasks.all();
    return { count: all.length, tasks: all };
  });

  fastify.post('/', async function (request, reply) {
    const title = String(request.body?.title ?? '').trim();
    if (!title) throw fastify.httpErrors.badRequest('a task needs a title');
    reply.code(201);
    return fastify.tasks.add(title);
  });

  fastify.get('/:id', async function (request) {
    const task = fastify.tasks.find(Number(request.params.id));
    if (!task) throw fastify.httpErrors.notFound(`no task ${request.params.id}`);
    return task;
  });
};
