import type { FastifyInstance } from 'fastify';
import { ReplayStepPath } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { parseInput } from '../validate.ts';

/**
 * The bytes kept for a step number never change (numbers are never reused), so a client may keep
 * them for a day; privately, as they are the key's own.
 */
const CACHE_CONTROL = 'private, max-age=86400, immutable';

/** Steward extension: one step's picture of the session's replay, as image/jpeg. */
export function getReplayStepRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams & { step: string } }>('/v1/sessions/:session_id/replay/:step', async (request, reply) => {
    const { step } = parseInput(ReplayStepPath, request.params, 'path');
    const { jpeg } = await sessions.replays.open(request.apiKeyId, request.params.session_id, step);
    return reply
      .header('content-type', 'image/jpeg')
      .header('content-length', String(jpeg.length))
      .header('cache-control', CACHE_CONTROL)
      .header('x-content-type-options', 'nosniff')
      .send(jpeg);
  });
}
