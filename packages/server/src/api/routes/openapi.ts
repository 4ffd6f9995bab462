import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '../openapi.ts';

export function openApiRoute(app: FastifyInstance): void {
  const document = JSON.stringify(buildOpenApiDocument());
  app.get('/v1/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
}
