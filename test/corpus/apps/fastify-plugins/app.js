// Fastify with its routes in plugins, registered with fastify.register.
const Fastify = require('fastify');

const app = Fastify({ logger: false });

app.register(require('./plugins/store'));
app.register(require('./routes/notes'), { prefix: '/notes' });
app.register(require('./routes/status'));

const port = Number(process.env.PORT) || 3000;
app.listen({ port, host: '127.0.0.1' }, (err, address) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`notes service listening at ${address}`);
});
