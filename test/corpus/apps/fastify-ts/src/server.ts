// Fastify in TypeScript, run with tsx: a decorator and a hook added at startup, a plugin with
// JSON schemas (Fastify compiles their validators and serializers once, when the route is added).
import Fastify from 'fastify';
import { stamp } from './hooks/stamp';
import { todosPlugin } from './plugins/todos';

declare module 'fastify' {
  interface FastifyInstance {
    clock(): string;
  }
}

const app = Fastify();

app.decorate('clock', () => new Date().toISOString());
app.addHook('onRequest', stamp);

app.get('/health', async () => 'ok');
app.get('/time', async () => ({ now: app.clock() }));
app.register(todosPlugin, { prefix: '/todos' });

const port = Number(process.env.PORT ?? 3000);
app.listen({ port, host: '127.0.0.1' }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
