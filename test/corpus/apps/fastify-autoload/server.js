'use strict';
const Fastify = require('fastify');

const server = Fastify({ logger: false });
server.register(require('./app'));

const port = Number(process.env.PORT) || 3000;
server.listen({ port, host: '127.0.0.1' }, (err, address) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`tasks service listening at ${address}`);
});
