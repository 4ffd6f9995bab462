import type { FastifyInstance } from 'fastify';
import { GetMessagesQuery, type MessagesResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { messageToWire } from '../serializers.ts';
import { parseInput } from '../validate.ts';

export function getMessagesRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/messages', async (request): Promise<MessagesResponse> => {
    const query = parseInput(GetMessagesQuery, request.query, 'query');
    const view = await sessions.messages(request.apiKeyId, request.params.session_id, { afterId: query.after_id, sanitize: query.sanitize });
    return { messages: view.messages.map(messageToWire), status: view.status, has_agent: view.hasAgent };
  });
}
