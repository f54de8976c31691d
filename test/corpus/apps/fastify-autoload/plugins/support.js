'use strict';
const fp = require('fastify-plugin');

// The template's own example of a decorator every route can call.
module.exports = fp(async function support(fastify) {
  fastify.decorate('someSupport', function () {
    return 'hugs';
  });
});
