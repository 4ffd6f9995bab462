import type { FastifyInstance } from 'fastify';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { sessionToWire } from '../serializers.ts';

export function getSessionRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id', async (request) => {
    const record = await sessions.get(request.apiKeyId, request.params.session_id);
    const summaries = await sessions.summaries([record]);
    return sessionToWire(record, { vncUrl: sessions.liveUrl(record), agentUrl: sessions.agentUrl(record), summary: summaries.get(record.id) });
  });
}
