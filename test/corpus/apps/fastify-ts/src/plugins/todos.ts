import type { FastifyInstance } from 'fastify';
import { store } from '../store';

const todoSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    done: { type: 'boolean' },
  },
} as const;

export async function todosPlugin(app: FastifyInstance): Promise<void> {
  app.get('/', { schema: { response: { 200: { type: 'array', items: todoSchema } } } }, async () => {
    return store.list();
  });

  app.post<{ Body: { title: string } }>(
    '/',
    {
      schema: {
        body: { type: 'object', required: ['title'], properties: { title: { type: 'string', minLength: 1 } } },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return store.add(request.body.title);
    },
  );
}
