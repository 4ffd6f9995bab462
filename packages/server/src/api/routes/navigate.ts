import type { FastifyInstance } from 'fastify';
import { NavigateRequest, type NavigateResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { parseInput, requireHttpUrl } from '../validate.ts';

export function navigateRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.post<{ Params: SessionParams }>('/v1/sessions/:session_id/navigate', async (request): Promise<NavigateResponse> => {
    const body = parseInput(NavigateRequest, request.body, 'body');
    const url = requireHttpUrl(body.url, 'url');
    return { current_url: await sessions.navigate(request.apiKeyId, request.params.session_id, url) };
  });
}
