import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';
import { sessionToWire } from '../serializers.ts';

export function listSessionsRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get('/v1/sessions', async (request) => {
    const records = await sessions.list(request.apiKeyId);
    const summaries = await sessions.summaries(records);
    return records.map((record) => sessionToWire(record, { vncUrl: sessions.liveUrl(record), agentUrl: sessions.agentUrl(record), summary: summaries.get(record.id) }));
  });
}
