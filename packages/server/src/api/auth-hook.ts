import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../errors/index.ts';
import type { ApiKeyService, Sessions } from '../sessions/index.ts';
import type { RateLimits } from './rate-limiter.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Id of the API key that authenticated the request (set by the auth hook). */
    apiKeyId: string;
  }
  interface FastifyContextConfig {
    /** The route also opens with the live-view token of `vnc_url` and counts against its session's quota. */
    liveToken?: boolean;
    /** The dashboard's pages and assets: public files; the page then calls the API with a key. */
    dashboardFile?: boolean;
  }
}

/** Requests that need no key: the OpenAPI document, the health probe and the metrics. */
const PUBLIC_ROUTES = new Set(['/healthz', '/v1/openapi.json', '/metrics']);

/**
 * Authorization: Bearer <key> on every route but the public ones: 401 missing/unknown, 403
 * revoked. Live-view routes (`config.liveToken`) also open with the `vnc_url` token.
 *
 * Rate limits, in this order:
 * 1. an address that spent its failed-authentication quota gets 429 before its key or token is
 *    looked at, good key or not: checking it would let the guessing go on;
 * 2. a 401 (or a wrong live token, answered 404 as before) counts against its address;
 * 3. a key's requests count against the key; a live-view request counts against its session,
 *    whether it came with the token or with the owner's key.
 */
export function registerAuth(app: FastifyInstance, deps: { keys: ApiKeyService; sessions: Pick<Sessions, 'isLiveToken'>; limits: RateLimits }): void {
  const { keys, sessions, limits } = deps;
  app.decorateRequest('apiKeyId', '');
  app.addHook('onRequest', async (request, reply) => {
    if (PUBLIC_ROUTES.has(request.routeOptions.url ?? '') || request.routeOptions.config.dashboardFile === true) return;
    await limits.authFailures?.refuseIfSpent(request, reply);
    const header = request.headers.authorization;
    const live = request.routeOptions.config.liveToken === true;
    const token = (request.query as Record<string, unknown>)['token'];
    if (live && header === undefined && typeof token === 'string') {
      // The route checks the session too; an HMAC check here is enough to tell a guess.
      if (!sessions.isLiveToken(sessionIdOf(request), token)) await failed(request, reply, new AppError('session_not_found'));
    } else {
      const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
      const record = await keys.authenticate(match?.[1]).catch((error: unknown) => failed(request, reply, error));
      request.apiKeyId = record.id;
      await limits.perKey?.take(request, reply);
    }
    if (live) await limits.liveSession?.take(request, reply);
  });

  /** Counts a failed authentication against the address, then rethrows the answer. */
  async function failed(request: FastifyRequest, reply: FastifyReply, error: unknown): Promise<never> {
    // 403 (revoked) is not counted: the secret was right, so it is no guess.
    if (isAppError(error) && (error.code === 'unauthorized' || error.code === 'session_not_found')) await limits.authFailures?.count(request, reply);
    throw error;
  }
}

function sessionIdOf(request: FastifyRequest): string {
  return (request.params as { session_id?: string }).session_id ?? '';
}
