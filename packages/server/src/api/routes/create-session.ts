import type { FastifyInstance } from 'fastify';
import { CreateSessionRequest } from '@steward/protocol';
import type { ApiDeps } from '../api-deps.ts';
import { sessionToWire } from '../serializers.ts';
import { refuseUnsupportedSessionKind } from '../session-kind.ts';
import { parseInput, requireHttpUrl } from '../validate.ts';

export function createSessionRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.post('/v1/sessions', async (request) => {
    const body = parseInput(CreateSessionRequest, request.body, 'body');
    refuseUnsupportedSessionKind(body);
    const webhookUrl = body.webhook_url === undefined ? undefined : requireHttpUrl(body.webhook_url, 'webhook_url');
    const options: Record<string, unknown> = {};
    for (const key of ['agent_session_type', 'environment_type', 'model', 'enable_memory_snapshot', 'allow_domains', 'deny_domains', 'proxy_url', 'approval_policy'] as const) {
      if (body[key] !== undefined) options[key] = body[key];
    }
    const cdpUrl = body.cdp_url ?? body.cdp_ws_url;
    if (cdpUrl !== undefined) options['cdp_url'] = cdpUrl;
    const session = await sessions.create(request.apiKeyId, {
      agentName: body.agent_name,
      webhookUrl,
      maxSteps: body.max_steps,
      goal: body.goal,
      restoreFromEnvironmentId: body.restore_from_environment_id,
      restoreFromSessionId: body.restore_from_session_id,
      restoreDefaultEnvironment: body.restore_default_environment_from_user_id !== undefined,
      options,
      secrets: body.secrets,
    });
    return sessionToWire(session, { vncUrl: sessions.liveUrl(session), agentUrl: sessions.agentUrl(session) });
  });
}
