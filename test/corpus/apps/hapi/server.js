// A hapi 21 app in the layout hapi's tutorials and most of its apps use: an async init that
// makes the server, registers plugins, adds routes from config modules and starts it.
'use strict';

const Hapi = require('@hapi/hapi');
const bookRoutes = require('./routes/books');
const { slugify } = require('./lib/text');

const init = async () => {
  const server = Hapi.server({ port: Number(process.env.PORT) || 3000, host: '127.0.0.1' });

  // A server method: cached helpers live here in hapi apps; the routes call server.methods.slug().
  server.method('slug', (title) => slugify(title));

  server.ext('onPreResponse', (request, h) => {
    const response = request.response;
    if (!response.isBoom) response.header('X-Served-By', 'hapi-corpus');
    return h.continue;
  });

  await server.register({ plugin: require('./plugins/notes'), options: { maxNotes: 100 } });

  server.route(bookRoutes);
  server.route({
    method: 'GET',
    path: '/health',
    handler: () => ({ ok: true }),
  });

  await server.start();
  console.log(`hapi corpus app on ${server.info.uri}`);
};

process.on('unhandledRejection', (err) => {
  console.error(err);
  process.exit(1);
});

init();
