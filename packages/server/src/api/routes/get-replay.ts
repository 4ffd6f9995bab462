import type { FastifyInstance } from 'fastify';
import type { ReplayResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { replayStepToWire } from '../serializers.ts';

/** Steward extension: the session's replay, oldest step first, with the caps it is kept under. */
export function getReplayRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/replay', async (request): Promise<ReplayResponse> => {
    const frames = await sessions.replays.list(request.apiKeyId, request.params.session_id);
    const { maxSteps, maxBytes } = sessions.replays.limits;
    return { steps: frames.map(replayStepToWire), max_steps: maxSteps, max_bytes: maxBytes };
  });
}
