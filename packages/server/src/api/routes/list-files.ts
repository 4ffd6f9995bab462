import type { FastifyInstance } from 'fastify';
import type { SessionFilesResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { fileToWire } from '../serializers.ts';

/** Steward extension: the session's files, oldest first. */
export function listFilesRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/files', async (request): Promise<SessionFilesResponse> => {
    const files = await sessions.files.list(request.apiKeyId, request.params.session_id);
    return { files: files.map(fileToWire) };
  });
}
