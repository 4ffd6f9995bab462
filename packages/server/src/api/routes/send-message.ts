import type { FastifyInstance } from 'fastify';
import { SendMessageRequest, type SuccessResponse } from '@steward/protocol';
import { isPlainObject } from '../../util/index.ts';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { parseInput, requireHttpUrl } from '../validate.ts';

export function sendMessageRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  const handler = async (request: { apiKeyId: string; params: SessionParams; body: unknown }): Promise<SuccessResponse> => {
    const body = parseInput(SendMessageRequest, request.body, 'body');
    const startUrl = body.start_url === undefined ? undefined : requireHttpUrl(body.start_url, 'start_url');
    await sessions.sendMessage(request.apiKeyId, request.params.session_id, {
      message: body.message,
      startUrl,
      configUpdates: body.config_updates,
    });
    return { success: true, message: 'Message sent successfully' };
  };
  app.post<{ Params: SessionParams }>('/v1/sessions/:session_id/message', (request) => handler(request));
  // Lenient alias (spec §8.1): a common client mistake posts `{content}` to the plural path.
  app.post<{ Params: SessionParams }>('/v1/sessions/:session_id/messages', (request) => {
    const body = request.body;
    const aliased = isPlainObject(body) && body['message'] === undefined && body['content'] !== undefined ? { ...body, message: body['content'] } : body;
    return handler({ apiKeyId: request.apiKeyId, params: request.params, body: aliased });
  });
}
