import type { FastifyInstance } from 'fastify';
import { DeleteSessionQuery, type DeleteResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { parseInput } from '../validate.ts';

export function deleteSessionRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.delete<{ Params: SessionParams }>('/v1/sessions/:session_id', async (request): Promise<DeleteResponse> => {
    const query = parseInput(DeleteSessionQuery, request.query, 'query');
    const deleted = await sessions.delete(request.apiKeyId, request.params.session_id, {
      mode: query.save_snapshot_mode,
      asDefault: query.save_as_default,
    });
    return deleted
      ? { success: true, deleted: true, message: 'Session deleted successfully' }
      : { success: true, deleted: false, message: 'Session not found' };
  });
}
