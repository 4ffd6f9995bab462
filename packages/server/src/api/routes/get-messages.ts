import type { FastifyInstance } from 'fastify';
import { GetMessagesQuery, type MessagesResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { messageJson } from '../serializers.ts';
import { parseInput } from '../validate.ts';

export function getMessagesRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  // The hottest endpoint (clients poll it): the body is joined from per-message JSON cached on
  // the records instead of serializing every message on every poll. Its shape is MessagesResponse.
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/messages', async (request, reply) => {
    const query = parseInput(GetMessagesQuery, request.query, 'query');
    const view = await sessions.messages(request.apiKeyId, request.params.session_id, { afterId: query.after_id, sanitize: query.sanitize });
    const tail: Omit<MessagesResponse, 'messages'> = { status: view.status, has_agent: view.hasAgent };
    const body = `{"messages":[${view.messages.map(messageJson).join(',')}],${JSON.stringify(tail).slice(1)}`;
    return reply.type('application/json; charset=utf-8').send(body);
  });
}
