import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';
import { sessionToWire } from '../serializers.ts';

export function listSessionsRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get('/v1/sessions', async (request) => (await sessions.list(request.apiKeyId)).map((record) => sessionToWire(record, { vncUrl: sessions.liveUrl(record), agentUrl: sessions.agentUrl(record) })));
}
