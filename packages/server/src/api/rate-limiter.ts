import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WindowCounters } from '../counters/index.ts';
import { AppError } from '../errors/index.ts';
import { windowCountersStore } from './rate-limit-store.ts';

/** Every quota counts over one minute, the unit the settings are given in. */
const WINDOW_S = 60;

export interface RateLimitSettings {
  /** Requests per minute per API key; 0 disables. */
  perKeyPerMinute: number;
  /** Failed authentications (401) per minute per client address; 0 disables. */
  authFailuresPerMinute: number;
  /** Requests per minute per session on the routes a live-view token opens; 0 disables. */
  livePerSessionPerMinute: number;
}

type Check = ReturnType<FastifyInstance['createRateLimit']>;

interface QuotaState {
  limit: number;
  remaining: number;
  resetS: number;
}

/**
 * One quota, named as the `RateLimit-Policy` header names it. Every method that looks at the
 * counter adds this quota's `RateLimit-Policy` and `RateLimit` fields to the reply (IETF
 * draft-ietf-httpapi-ratelimit-headers-10), on success and refusal alike.
 */
export class Quota {
  constructor(
    readonly name: string,
    private readonly check: Check,
    private readonly refusal: string,
  ) {}

  /** Counts the request; 429 `rate_limited` (with `Retry-After`) once the window's quota is spent. */
  async take(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const outcome = await this.count(request, reply);
    if (outcome?.exceeded === true) throw this.refuse(outcome.state);
  }

  /** Counts an event that has already been answered (a failed authentication); never refuses. */
  async count(request: FastifyRequest, reply: FastifyReply): Promise<{ state: QuotaState; exceeded: boolean } | undefined> {
    const result = await this.check(request);
    if (result.isAllowed) return undefined;
    const state = { limit: result.max, remaining: result.remaining, resetS: result.ttlInSeconds };
    addHeaders(reply, this.name, state, result.timeWindow);
    return { state, exceeded: result.isExceeded };
  }

  /** 429 without counting when the window's quota is already spent; otherwise nothing, no headers. */
  async refuseIfSpent(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const result = await this.check(request, { increment: false });
    if (result.isAllowed || result.remaining > 0) return;
    const state = { limit: result.max, remaining: 0, resetS: Math.max(1, result.ttlInSeconds) };
    addHeaders(reply, this.name, state, result.timeWindow);
    throw this.refuse(state);
  }

  private refuse(state: QuotaState): AppError {
    const retryAfter = Math.max(1, state.resetS);
    return new AppError('rate_limited', { retryAfter, detail: `${this.refusal}; retry in ${retryAfter} s.` });
  }
}

/** Appends one quota to the structured-field lists, keeping the quotas set before it. */
function addHeaders(reply: FastifyReply, name: string, state: QuotaState, windowMs: number): void {
  const append = (header: string, item: string): void => {
    const existing = reply.getHeader(header);
    void reply.header(header, typeof existing === 'string' && existing !== '' ? `${existing}, ${item}` : item);
  };
  append('RateLimit-Policy', `"${name}";q=${state.limit};w=${Math.round(windowMs / 1000)}`);
  append('RateLimit', `"${name}";r=${state.remaining};t=${state.resetS}`);
}

export interface RateLimits {
  /** Every request authenticated by an API key, charged to the key. */
  perKey?: Quota | undefined;
  /** Failed authentications, charged to the client address (an IPv6 address by its /64). */
  authFailures?: Quota | undefined;
  /** Requests on live-view routes, charged to the session, however they were authenticated. */
  liveSession?: Quota | undefined;
}

/**
 * Registers `@fastify/rate-limit` over `counters` without route hooks of its own (`global: false`):
 * what a request is charged to depends on how it authenticated, so the auth hook charges it.
 * The quotas exist once the app is ready; before that the returned object is empty.
 */
export function registerRateLimits(app: FastifyInstance, counters: WindowCounters, settings: RateLimitSettings): RateLimits {
  const limits: RateLimits = {};
  // Counters that fail (a shared store out of reach) let requests through: an outage of the
  // limiter's store must not take the API down with it. Said in the log, at most every 10 s.
  let lastWarning = 0;
  const onStoreError = (error: Error): void => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    app.log.warn({ err: error }, 'rate-limit counters failed: requests pass unlimited until they answer again');
  };
  void app.register(fastifyRateLimit, { global: false, skipOnError: true, store: windowCountersStore(counters, onStoreError) });
  app.addHook('onReady', async () => {
    const quota = (name: string, perMinute: number, keyOf: (request: FastifyRequest) => string, refusal: string): Quota | undefined =>
      perMinute <= 0
        ? undefined
        : new Quota(name, app.createRateLimit({ max: perMinute, timeWindow: WINDOW_S * 1000, keyGenerator: (request) => `${name}:${keyOf(request)}` }), refusal);
    limits.perKey = quota('key', settings.perKeyPerMinute, (request) => request.apiKeyId, 'Too many requests for this API key');
    limits.authFailures = quota(
      'auth-failures',
      settings.authFailuresPerMinute,
      (request) => normalizeIP(request.ip ?? 'unknown'),
      'Too many failed authentications from this address',
    );
    limits.liveSession = quota(
      'live-session',
      settings.livePerSessionPerMinute,
      (request) => (request.params as { session_id?: string }).session_id ?? '',
      'Too many live-view requests for this session',
    );
  });
  return limits;
}

/**
 * The rate-limit fields set on `reply`, as raw header lines (each ending in CRLF), for routes that
 * hijack the reply and write their own response head (SSE, the MJPEG stream).
 */
export function rateLimitHeaderLines(reply: FastifyReply): string {
  let lines = '';
  for (const name of ['RateLimit-Policy', 'RateLimit']) {
    const value = reply.getHeader(name);
    if (typeof value === 'string') lines += `${name}: ${value}\r\n`;
  }
  return lines;
}
