import type { FastifyInstance } from 'fastify';
import { CreateDemoSessionRequest, type SessionResponse } from '@steward/protocol';
import type { ApiDeps } from '../api-deps.ts';
import { sessionToWire } from '../serializers.ts';
import { parseInput } from '../validate.ts';

/**
 * Steward extension: the bundled demo (201). A session of the caller's key like any other, its
 * task already started by the scripted demo policy on the demo shop; `demo: true` labels it.
 */
export function createDemoSessionRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.post('/v1/demo/sessions', async (request, reply): Promise<SessionResponse> => {
    parseInput(CreateDemoSessionRequest, request.body, 'body');
    const session = await sessions.createDemo(request.apiKeyId);
    const summaries = await sessions.summaries([session]);
    void reply.status(201);
    return sessionToWire(session, { vncUrl: sessions.liveUrl(session), agentUrl: sessions.agentUrl(session), summary: summaries.get(session.id) });
  });
}
