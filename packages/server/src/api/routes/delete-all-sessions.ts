import type { FastifyInstance } from 'fastify';
import type { DeleteAllResponse } from '@steward/protocol';
import type { ApiDeps } from '../api-deps.ts';

export function deleteAllSessionsRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.delete('/v1/sessions', async (request): Promise<DeleteAllResponse> => {
    const count = await sessions.deleteAll(request.apiKeyId);
    return {
      success: true,
      deleted: count > 0,
      count,
      message: count > 0 ? 'Sessions deleted successfully' : 'No sessions to delete',
    };
  });
}
