// An ES module Fastify entry: top-level await on listen, errors caught and logged.
import Fastify from 'fastify';
import { greeting } from './lib/format.mjs';

const PORT = Number(process.env.PORT ?? 3000);
const MAX_MESSAGES = 50;

const app = Fastify();
const messages = [];

app.get('/health', async () => ({ ok: true }));

app.get('/hello/:name', async (request) => {
  return { message: greeting(request.params.name) };
});

app.get('/messages', async () => {
  return { messages: messages.map((m) => m.text) };
});

app.post('/messages', async (request, reply) => {
  const text = String(request.body?.text ?? '');
  if (messages.length >= MAX_MESSAGES) messages.shift();
  messages.push({ text, at: new Date().toISOString() });
  reply.code(201);
  return { stored: messages.length, max: MAX_MESSAGES };
});

await app.listen({ port: PORT, host: '127.0.0.1' }).catch((err) => {
  console.error('could not start:', err.message);
});
console.log(`fastify-esm listening on http://127.0.0.1:${PORT}`);
