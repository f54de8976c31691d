import type { FastifyReply, FastifyRequest } from 'fastify';

export async function stamp(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.header('x-served-by', 'fastify-ts');
}
