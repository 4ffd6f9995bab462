import type { FastifyInstance } from 'fastify';
import type { ApprovalsResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { approvalToWire } from '../payment-serializers.ts';

/** Steward extension: every approval the agent asked for in the session, with its answer, oldest first. */
export function listApprovalsRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams }>('/v1/sessions/:session_id/approvals', async (request): Promise<ApprovalsResponse> => {
    const approvals = await sessions.approvals(request.apiKeyId, request.params.session_id);
    return { approvals: approvals.map(approvalToWire) };
  });
}
