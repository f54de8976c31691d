'use strict';
const fp = require('fastify-plugin');

// httpErrors and reply.notFound() and the like, for every route.
module.exports = fp(async function sensible(fastify) {
  fastify.register(require('@fastify/sensible'));
});
