import type { FastifyInstance } from 'fastify';
import type { StatusResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';

export function getStatusRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/status', async (request): Promise<StatusResponse> => ({
    status: await sessions.status(request.apiKeyId, request.params.session_id),
  }));
}
