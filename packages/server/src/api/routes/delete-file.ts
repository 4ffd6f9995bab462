import type { FastifyInstance } from 'fastify';
import type { SuccessResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';

/** Steward extension: removes one file of the session (404 when it has none of that name). */
export function deleteFileRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.delete<{ Params: SessionParams & { name: string } }>('/v1/sessions/:session_id/files/:name', async (request): Promise<SuccessResponse> => {
    await sessions.files.delete(request.apiKeyId, request.params.session_id, request.params.name);
    return { success: true, message: 'File deleted' };
  });
}
