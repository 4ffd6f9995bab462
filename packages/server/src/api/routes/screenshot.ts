import type { FastifyInstance } from 'fastify';
import type { ScreenshotResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';

export function screenshotRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/screenshot', async (request): Promise<ScreenshotResponse> => {
    const shot = await sessions.screenshot(request.apiKeyId, request.params.session_id);
    return { screenshot: `data:image/jpeg;base64,${shot.jpeg.toString('base64')}`, url: shot.url, title: shot.title };
  });
}
