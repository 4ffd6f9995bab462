import type { FastifyInstance } from 'fastify';
import type { SuccessResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';

export function resumeRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.post<{ Params: SessionParams }>('/v1/sessions/:session_id/resume', async (request): Promise<SuccessResponse> => {
    await sessions.resume(request.apiKeyId, request.params.session_id);
    return { success: true, message: 'Session resumed successfully' };
  });
}
