import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '@steward/protocol';

/** The document is generated from the protocol's endpoint list and schemas (nothing described here), once per app. */
export function openApiRoute(app: FastifyInstance): void {
  const document = JSON.stringify(buildOpenApiDocument());
  app.get('/v1/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
}
