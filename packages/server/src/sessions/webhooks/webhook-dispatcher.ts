import { anySignal, delay, errorMessage, isAbortError, raceSignal } from '../../util/abort.ts';
import { systemClock, type Clock } from '../../util/clock.ts';
import { buildWebhookBody } from './webhook-payloads.ts';
import { nextRetryDelay, type WebhookRetryPolicy } from './webhook-retry-policy.ts';
import { newWebhookId, signatureHeaders } from './webhook-signature.ts';
import { createHttpWebhookTransport, type WebhookTransport } from './webhook-transport.ts';
import type { WebhookEventName, WebhookLogger, WebhookSecretSource, WebhookSession } from './webhook-types.ts';

/** Where a checked delivery may connect: the address the check resolved the host to and approved. */
export interface WebhookDestination {
  address: string;
}

/**
 * Checks a destination before each attempt (the egress policy). Throwing refuses the URL: the
 * delivery fails permanently and is not retried. `signal` aborts on the attempt timeout or close.
 * Returning a destination pins the attempt to its address (see `webhookEgressCheck`); returning
 * nothing lets the attempt resolve the host again when it connects, which a DNS rebinding answer
 * can exploit, so a check that resolves names must return what it approved.
 */
export type WebhookBeforeSend = (url: URL, options: { signal: AbortSignal }) => Promise<WebhookDestination | undefined | void>;

export interface WebhookDispatcherOptions {
  logger: WebhookLogger;
  /** Sends one attempt; `createHttpWebhookTransport()` by default. */
  transport?: WebhookTransport | undefined;
  clock?: Clock | undefined;
  /** Per attempt, covering `beforeSend` and the request up to the response headers. */
  timeoutMs?: number | undefined;
  /** The last retry must start within this many ms of the first attempt. */
  retryWindowMs?: number | undefined;
  /** Attempts in all, the first one included. */
  maxAttempts?: number | undefined;
  /** Backoff before the 2nd attempt; doubles for each later one. */
  baseDelayMs?: number | undefined;
  userAgent?: string | undefined;
  beforeSend?: WebhookBeforeSend | undefined;
  /** Deliveries waiting per session and URL (the one in flight included); more are dropped and logged. */
  maxQueuedPerSession?: number | undefined;
  /**
   * Signs every attempt the Standard Webhooks way with the session's key's secret. Without it
   * deliveries go unsigned (unit tests of delivery itself); the composition root always sets it.
   */
  secrets?: WebhookSecretSource | undefined;
}

interface Delivery {
  /** `webhook-id`: one per event, kept across retries so receivers can drop duplicates. */
  id: string;
  url: URL;
  event: WebhookEventName;
  sessionId: string;
  apiKeyId: string;
  body: string;
}

type CheckOutcome = { allowed: true; address?: string | undefined } | { allowed: false; refusal: string };

type AttemptOutcome = { ok: true; status: number } | { ok: false; status?: number | undefined; error?: string | undefined };

/**
 * Fire-and-forget webhook delivery (spec §6.1): POST with the documented headers, a timeout per
 * attempt, exponential backoff inside a retry window, outcomes only logged.
 *
 * Deliveries for one session and URL go through one queue so a later event never overtakes an
 * earlier one; each queue has its own runner, so a slow receiver holds up only its own session.
 */
export class WebhookDispatcher {
  readonly #transport: WebhookTransport;
  readonly #logger: WebhookLogger;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #policy: WebhookRetryPolicy;
  readonly #userAgent: string;
  readonly #beforeSend: WebhookBeforeSend | undefined;
  readonly #maxQueued: number;
  readonly #secrets: WebhookSecretSource | undefined;
  readonly #queues = new Map<string, Delivery[]>();
  readonly #runners = new Set<Promise<void>>();
  readonly #closed = new AbortController();

  constructor(options: WebhookDispatcherOptions) {
    this.#transport = options.transport ?? createHttpWebhookTransport();
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#policy = {
      maxAttempts: options.maxAttempts ?? 3,
      retryWindowMs: options.retryWindowMs ?? 30_000,
      baseDelayMs: options.baseDelayMs ?? 1_000,
    };
    this.#userAgent = options.userAgent ?? 'AgencyAPI-Webhooks/1.0';
    this.#beforeSend = options.beforeSend;
    this.#maxQueued = options.maxQueuedPerSession ?? 100;
    this.#secrets = options.secrets;
  }

  /** Queues one delivery and returns at once; never throws, whatever happens to the delivery. */
  send(url: string, event: WebhookEventName, session: WebhookSession, extra: Record<string, unknown>): void {
    try {
      const target = parseWebhookUrl(url);
      if (target === undefined) {
        this.#logger.warn({ sessionId: session.id, event, reason: 'invalid_url' }, 'webhook_failed_permanently');
        return;
      }
      const delivery: Delivery = { id: newWebhookId(), url: target, event, sessionId: session.id, apiKeyId: session.apiKeyId, body: '' };
      if (this.#closed.signal.aborted) {
        this.#logFailed(delivery, 0, { reason: 'closed' });
        return;
      }
      // Serialized now, so the body is the state at the time of the event, not of the attempt.
      delivery.body = JSON.stringify(buildWebhookBody(event, session, extra, this.#clock.now()));
      this.#enqueue(`${session.id}\n${target.href}`, delivery);
    } catch (error) {
      this.#logNotificationError(session, event, error);
    }
  }

  /** Resolves when every queued delivery has ended, or after `timeoutMs`, whichever comes first. */
  async drain(timeoutMs: number): Promise<void> {
    const stopTimer = new AbortController();
    let timedOut = false;
    const deadline = delay(timeoutMs, stopTimer.signal).then(
      () => {
        timedOut = true;
      },
      () => undefined,
    );
    try {
      while (this.#runners.size > 0 && !timedOut) {
        await Promise.race([Promise.allSettled([...this.#runners]), deadline]);
      }
    } finally {
      stopTimer.abort();
    }
  }

  /** Aborts deliveries in flight and drops queued ones (each logged); later `send`s are dropped. */
  async close(): Promise<void> {
    this.#closed.abort();
    await Promise.allSettled([...this.#runners]);
  }

  /** Deliveries queued or in flight (tests and metrics). */
  pendingCount(): number {
    let n = 0;
    for (const queue of this.#queues.values()) n += queue.length;
    return n;
  }

  #enqueue(key: string, delivery: Delivery): void {
    const queue = this.#queues.get(key);
    if (queue !== undefined) {
      if (queue.length >= this.#maxQueued) {
        this.#logFailed(delivery, 0, { reason: 'queue_full' });
        return;
      }
      queue.push(delivery);
      return;
    }
    const fresh = [delivery];
    this.#queues.set(key, fresh);
    // Started in a microtask so no delivery code (beforeSend, fetch) runs inside `send`.
    const runner: Promise<void> = Promise.resolve()
      .then(() => this.#runQueue(key, fresh))
      .finally(() => this.#runners.delete(runner));
    this.#runners.add(runner);
  }

  async #runQueue(key: string, queue: Delivery[]): Promise<void> {
    try {
      for (let next = queue[0]; next !== undefined; next = queue[0]) {
        try {
          await this.#deliver(next);
        } catch (error) {
          this.#logger.error({ sessionId: next.sessionId, event: next.event, err: error }, 'webhook_notification_error');
        }
        queue.shift();
      }
    } finally {
      // Same tick as the last shift: a `send` cannot slip in between and find a dead queue.
      this.#queues.delete(key);
    }
  }

  async #deliver(delivery: Delivery): Promise<void> {
    const startedAt = this.#clock.now().getTime();
    for (let attempt = 1; ; attempt++) {
      if (this.#closed.signal.aborted) {
        this.#logFailed(delivery, attempt, { reason: 'closed' });
        return;
      }
      // anySignal: AbortSignal.any would let the deadline be garbage-collected (see anySignal).
      const signal = anySignal(this.#closed.signal, AbortSignal.timeout(this.#timeoutMs));
      const check = await this.#checkDestination(delivery, signal);
      if (!check.allowed) {
        this.#logFailed(delivery, attempt, { reason: 'refused', error: check.refusal });
        return;
      }
      const outcome = await this.#attempt(delivery, check.address, signal);
      if (outcome.ok) {
        this.#logger.info({ ...this.#logFields(delivery, attempt), status: outcome.status }, 'webhook_delivered');
        return;
      }
      const failure = { status: outcome.status, error: outcome.error };
      if (this.#closed.signal.aborted) {
        this.#logFailed(delivery, attempt, { ...failure, reason: 'closed' });
        return;
      }
      const delayMs = nextRetryDelay(this.#policy, attempt, this.#clock.now().getTime() - startedAt);
      if (delayMs === undefined) {
        this.#logFailed(delivery, attempt, { ...failure, reason: 'retries_exhausted' });
        return;
      }
      this.#logger.warn({ ...this.#logFields(delivery, attempt), ...failure, delayMs }, 'webhook_retry');
      try {
        await delay(delayMs, this.#closed.signal);
      } catch {
        this.#logFailed(delivery, attempt, { ...failure, reason: 'closed' });
        return;
      }
    }
  }

  /** The refusal's message, or the address this attempt must connect to (none: not pinned). */
  async #checkDestination(delivery: Delivery, signal: AbortSignal): Promise<CheckOutcome> {
    if (this.#beforeSend === undefined) return { allowed: true };
    try {
      // A copy, so the policy cannot change where the request goes.
      const destination = await raceSignal(this.#beforeSend(new URL(delivery.url.href), { signal }), signal);
      return { allowed: true, address: destination?.address };
    } catch (error) {
      return { allowed: false, refusal: isAbortError(error) ? 'destination check timed out' : errorMessage(error) };
    }
  }

  async #attempt(delivery: Delivery, address: string | undefined, signal: AbortSignal): Promise<AttemptOutcome> {
    try {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'X-Event-Type': delivery.event,
        'User-Agent': this.#userAgent,
      };
      if (this.#secrets !== undefined) {
        // Signed per attempt (the timestamp is the attempt's), always with the delivery's one id.
        const secret = await this.#secrets.secretFor(delivery.apiKeyId);
        Object.assign(headers, signatureHeaders(secret, delivery.id, this.#clock.now(), delivery.body));
      }
      // The transport never follows a redirect: it would reach a host the destination check never saw.
      const response = await this.#transport({ url: delivery.url, address, headers, body: delivery.body, signal });
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
      return { ok: false, status: response.status };
    } catch (error) {
      return { ok: false, error: describeSendError(error, signal) };
    }
  }

  #logFields(delivery: Delivery, attempt: number): Record<string, unknown> {
    // Host only: paths and queries of webhook URLs often carry tokens.
    return { sessionId: delivery.sessionId, event: delivery.event, webhookId: delivery.id, host: delivery.url.host, attempt };
  }

  #logFailed(delivery: Delivery, attempt: number, details: Record<string, unknown>): void {
    this.#logger.warn({ ...this.#logFields(delivery, attempt), ...details }, 'webhook_failed_permanently');
  }

  #logNotificationError(session: WebhookSession, event: WebhookEventName, error: unknown): void {
    try {
      this.#logger.error({ sessionId: session.id, event, err: error }, 'webhook_notification_error');
    } catch {
      // `send` must not throw, not even because of its logger.
    }
  }
}

function parseWebhookUrl(url: string): URL | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : undefined;
}

/** A short reason for the log: `timeout`, a socket error code (`ECONNREFUSED`), or the message. */
function describeSendError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted && (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError') return 'timeout';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  for (const candidate of [error, error instanceof Error ? error.cause : undefined]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
  }
  return errorMessage(error);
}
