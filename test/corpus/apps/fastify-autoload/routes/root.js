'use strict';

module.exports = async function root(fastify) {
  fastify.get('/', async function () {
    return { root: true, support: fastify.someSupport() };
  });
  fastify.get('/health', async () => ({ ok: true }));
};
