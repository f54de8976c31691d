module.exports = async function statusRoutes(fastify) {
  fastify.get('/health', async () => ({ healthy: true }));
};
