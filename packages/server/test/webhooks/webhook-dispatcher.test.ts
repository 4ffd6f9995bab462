import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '@steward/protocol';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/sessions/webhooks/webhook-dispatcher.ts';
import { webhookPayloads } from '../../src/sessions/webhooks/webhook-payloads.ts';
import { createHttpWebhookTransport } from '../../src/sessions/webhooks/webhook-transport.ts';
import type { WebhookEventName, WebhookSession } from '../../src/sessions/webhooks/webhook-types.ts';
import { closedPort, LoopbackReceiver, type Reply, type Responder } from './loopback-receiver.ts';
import { RecordingLogger } from './recording-logger.ts';

const NOW = new Date('2024-01-15T10:30:00.123Z');
const frozenClock = { now: () => new Date(NOW) };

function session(id = 'sess-1', status: WebhookSession['status'] = 'ready'): WebhookSession {
  return { id, apiKeyId: 'key-1', status, agentName: 'agi-0', createdAt: new Date('2024-01-15T10:29:59Z'), vncUrl: 'http://vnc-instance:5900' };
}

/** Hangs a reply until `release` is called. */
function gate(): { reply: Promise<Reply>; release: (reply?: Reply) => void } {
  let release: (reply?: Reply) => void = () => undefined;
  const reply = new Promise<Reply>((resolve) => {
    release = (r = { status: 200 }) => resolve(r);
  });
  return { reply, release };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(responder?: Responder): Promise<LoopbackReceiver> {
  const r = await LoopbackReceiver.start(responder);
  cleanups.push(() => r.close());
  return r;
}

function dispatcher(options: Partial<WebhookDispatcherOptions> = {}): { d: WebhookDispatcher; log: RecordingLogger } {
  const log = new RecordingLogger();
  const d = new WebhookDispatcher({ logger: log, timeoutMs: 2_000, baseDelayMs: 10, clock: frozenClock, ...options });
  cleanups.push(() => d.close());
  return { d, log };
}

const EXAMPLES: { event: WebhookEventName; status: WebhookSession['status']; extra: Record<string, unknown> }[] = [
  { event: 'session.created', status: 'ready', extra: webhookPayloads.sessionCreated() },
  { event: 'session.status_changed', status: 'paused', extra: webhookPayloads.statusChanged('running', 'paused') },
  { event: 'session.deleted', status: 'ready', extra: webhookPayloads.sessionDeleted() },
  { event: 'task.started', status: 'running', extra: webhookPayloads.taskStarted('Find the cheapest flight') },
  { event: 'task.completed', status: 'ready', extra: webhookPayloads.taskCompleted('Found 3 flights') },
  { event: 'task.question', status: 'ready', extra: webhookPayloads.taskQuestion('Morning or evening?') },
  { event: 'task.error', status: 'ready', extra: webhookPayloads.taskError('Connection timeout') },
];

describe('WebhookDispatcher delivery', () => {
  it('covers all seven events', () => {
    expect(EXAMPLES.map((e) => e.event).sort()).toEqual([...WEBHOOK_EVENTS].sort());
  });

  for (const { event, status, extra } of EXAMPLES) {
    it(`POSTs ${event} with the documented body and headers`, async () => {
      const r = await receiver();
      const { d, log } = dispatcher();
      d.send(r.url('/hooks/steward?token=abc'), event, session('sess-1', status), extra);
      await log.waitFor('webhook_delivered');
      expect(r.requests).toHaveLength(1);
      const [request] = r.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/hooks/steward?token=abc');
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.headers['x-event-type']).toBe(event);
      expect(request?.headers['user-agent']).toBe('AgencyAPI-Webhooks/1.0');
      expect(JSON.parse(request?.body ?? '')).toEqual({
        event,
        timestamp: '2024-01-15T10:30:00.123Z',
        session: {
          id: 'sess-1',
          status,
          agent_name: 'agi-0',
          created_at: '2024-01-15T10:29:59.000Z',
          vnc_url: 'http://vnc-instance:5900',
        },
        ...extra,
      });
      expect(log.withMsg('webhook_delivered')).toEqual([
        { sessionId: 'sess-1', event, webhookId: expect.stringMatching(/^msg_[A-Za-z0-9_-]{22}$/), host: `127.0.0.1:${r.port}`, attempt: 1, status: 200 },
      ]);
    });
  }

  it('sends the configured User-Agent', async () => {
    const r = await receiver();
    const { d, log } = dispatcher({ userAgent: 'Steward-Test/2' });
    d.send(r.url(), 'session.created', session(), {});
    await log.waitFor('webhook_delivered');
    expect(r.requests[0]?.headers['user-agent']).toBe('Steward-Test/2');
  });

  it('never logs the body, the path or the query of the URL', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { d, log } = dispatcher({ maxAttempts: 2 });
    d.send(r.url('/secret-path?token=s3cret'), 'task.started', session(), webhookPayloads.taskStarted('my private task'));
    await log.waitFor('webhook_failed_permanently');
    const logged = JSON.stringify(log.entries);
    expect(logged).not.toContain('my private task');
    expect(logged).not.toContain('s3cret');
    expect(logged).not.toContain('secret-path');
  });
});

describe('WebhookDispatcher retries', () => {
  it('retries after a 500 and stops at the first 2xx, with the same body', async () => {
    const r = await receiver((_req, i) => ({ status: i === 0 ? 500 : 204 }));
    const { d, log } = dispatcher();
    d.send(r.url(), 'task.completed', session(), webhookPayloads.taskCompleted('Found 3 flights'));
    await log.waitFor('webhook_delivered');
    expect(r.requests).toHaveLength(2);
    expect(r.requests[1]?.body).toBe(r.requests[0]?.body);
    expect(log.messages()).toEqual(['webhook_retry', 'webhook_delivered']);
    expect(log.withMsg('webhook_retry')[0]).toMatchObject({ event: 'task.completed', attempt: 1, status: 500, delayMs: 10 });
    expect(log.withMsg('webhook_delivered')[0]).toMatchObject({ attempt: 2, status: 204 });
  });

  it('retries after a refused connection', async () => {
    const port = await closedPort();
    let checks = 0;
    const { d, log } = dispatcher({
      // The receiver comes up only before the second attempt, so the first one is refused.
      beforeSend: async () => {
        checks++;
        if (checks === 2) {
          const late = await LoopbackReceiver.start(undefined, port);
          cleanups.push(() => late.close());
        }
      },
    });
    d.send(`http://127.0.0.1:${port}/hook`, 'session.created', session(), {});
    await log.waitFor('webhook_delivered');
    expect(log.withMsg('webhook_retry')).toEqual([
      expect.objectContaining({ attempt: 1, error: 'ECONNREFUSED', delayMs: 10 }),
    ]);
    expect(log.withMsg('webhook_delivered')[0]).toMatchObject({ attempt: 2, status: 200 });
  });

  it('treats a receiver that does not answer within timeoutMs as a failed attempt and retries', async () => {
    const hung = gate();
    const r = await receiver((_req, i) => (i === 0 ? hung.reply : { status: 200 }));
    cleanups.push(async () => hung.release());
    const { d, log } = dispatcher({ timeoutMs: 500 });
    d.send(r.url(), 'task.question', session(), webhookPayloads.taskQuestion('Which seat?'));
    await log.waitFor('webhook_delivered');
    expect(log.withMsg('webhook_retry')).toEqual([expect.objectContaining({ attempt: 1, error: 'timeout' })]);
    expect(r.requests).toHaveLength(2);
    expect(r.abandoned).toBe(1);
  });

  it('gives up after maxAttempts and logs it once', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const { d, log } = dispatcher({ maxAttempts: 3 });
    d.send(r.url(), 'task.error', session(), webhookPayloads.taskError('boom'));
    await log.waitFor('webhook_failed_permanently');
    await d.drain(5_000);
    expect(r.requests).toHaveLength(3);
    expect(log.messages()).toEqual(['webhook_retry', 'webhook_retry', 'webhook_failed_permanently']);
    expect(log.withMsg('webhook_retry').map((e) => e.delayMs)).toEqual([10, 20]);
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({
      event: 'task.error',
      attempt: 3,
      status: 503,
      reason: 'retries_exhausted',
    });
  });

  it('gives up when the next attempt would start after the retry window', async () => {
    const r = await receiver(() => ({ status: 500 }));
    // Frozen clock: elapsed time stays 0, so only the backoff counts: 10, 20, 40 fit in 50 ms, 80 does not.
    const { d, log } = dispatcher({ maxAttempts: 10, retryWindowMs: 50 });
    d.send(r.url(), 'session.created', session(), {});
    await log.waitFor('webhook_failed_permanently');
    expect(r.requests).toHaveLength(4);
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({ attempt: 4, reason: 'retries_exhausted' });
  });

  it('does not follow redirects', async () => {
    const r = await receiver((req) =>
      req.path === '/hook' ? { status: 302, headers: { location: '/elsewhere' } } : { status: 200 },
    );
    const { d, log } = dispatcher({ maxAttempts: 2 });
    d.send(r.url(), 'session.created', session(), {});
    await log.waitFor('webhook_failed_permanently');
    expect(r.requests.map((q) => q.path)).toEqual(['/hook', '/hook']);
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({ status: 302 });
  });
});

describe('WebhookDispatcher ordering and concurrency', () => {
  it('keeps the order of send calls for one session, even across retries', async () => {
    const r = await receiver((_req, i) => ({ status: i === 0 ? 500 : 200 }));
    const { d, log } = dispatcher();
    const s = session();
    d.send(r.url(), 'task.started', s, webhookPayloads.taskStarted('go'));
    d.send(r.url(), 'session.status_changed', s, webhookPayloads.statusChanged('running', 'paused'));
    d.send(r.url(), 'task.completed', s, webhookPayloads.taskCompleted('Found 3 flights'));
    await log.waitFor('webhook_delivered', 3);
    expect(r.bodies().map((b) => b.event)).toEqual([
      'task.started',
      'task.started',
      'session.status_changed',
      'task.completed',
    ]);
  });

  it('does not make one session wait for another', async () => {
    const hung = gate();
    const r = await receiver((req) => (req.path === '/slow' ? hung.reply : { status: 200 }));
    cleanups.push(async () => hung.release());
    const { d, log } = dispatcher();
    d.send(r.url('/slow'), 'session.created', session('slow'), {});
    await r.waitForRequests(1);
    d.send(r.url('/fast'), 'session.created', session('fast'), {});
    await log.waitFor('webhook_delivered');
    expect(log.withMsg('webhook_delivered')[0]).toMatchObject({ sessionId: 'fast' });
    hung.release();
    await log.waitFor('webhook_delivered', 2);
    expect(log.withMsg('webhook_delivered')[1]).toMatchObject({ sessionId: 'slow' });
  });

  it('holds a later event of a session until the earlier one is answered', async () => {
    const hung = gate();
    const r = await receiver((_req, i) => (i === 0 ? hung.reply : { status: 200 }));
    cleanups.push(async () => hung.release());
    const { d, log } = dispatcher();
    d.send(r.url(), 'task.started', session(), webhookPayloads.taskStarted('go'));
    await r.waitForRequests(1);
    d.send(r.url(), 'task.completed', session(), webhookPayloads.taskCompleted('Found 3 flights'));
    expect(d.pendingCount()).toBe(2);
    hung.release();
    await log.waitFor('webhook_delivered', 2);
    await d.drain(5_000);
    expect(r.bodies().map((b) => b.event)).toEqual(['task.started', 'task.completed']);
    expect(d.pendingCount()).toBe(0);
  });

  it('drops sends beyond maxQueuedPerSession and logs them', async () => {
    const hung = gate();
    const r = await receiver(() => hung.reply);
    cleanups.push(async () => hung.release());
    const { d, log } = dispatcher({ maxQueuedPerSession: 2 });
    d.send(r.url(), 'task.started', session(), webhookPayloads.taskStarted('go'));
    d.send(r.url(), 'task.question', session(), webhookPayloads.taskQuestion('?'));
    d.send(r.url(), 'task.completed', session(), webhookPayloads.taskCompleted('Found 3 flights'));
    expect(log.withMsg('webhook_failed_permanently')).toEqual([
      expect.objectContaining({ event: 'task.completed', reason: 'queue_full' }),
    ]);
    hung.release();
    await log.waitFor('webhook_delivered', 2);
  });
});

describe('WebhookDispatcher send', () => {
  it('returns before anything is fetched', async () => {
    const r = await receiver();
    const send = createHttpWebhookTransport();
    let fetchCalls = 0;
    let checks = 0;
    const { d, log } = dispatcher({
      transport: (request) => {
        fetchCalls++;
        return send(request);
      },
      beforeSend: async () => {
        checks++;
      },
    });
    d.send(r.url(), 'session.created', session(), {});
    expect(fetchCalls).toBe(0);
    expect(checks).toBe(0);
    expect(d.pendingCount()).toBe(1);
    await log.waitFor('webhook_delivered');
    expect(fetchCalls).toBe(1);
  });

  it('never throws: bad URLs, unserializable extras, a failing logger', async () => {
    const r = await receiver();
    const { d, log } = dispatcher();
    expect(() => d.send('not a url', 'session.created', session(), {})).not.toThrow();
    expect(() => d.send('ftp://127.0.0.1/x', 'session.created', session(), {})).not.toThrow();
    expect(() => d.send(r.url(), 'task.error', session(), { error: 1n })).not.toThrow();
    expect(log.withMsg('webhook_failed_permanently')).toEqual([
      expect.objectContaining({ reason: 'invalid_url' }),
      expect.objectContaining({ reason: 'invalid_url' }),
    ]);
    expect(log.withMsg('webhook_notification_error')).toHaveLength(1);

    const throwing = new WebhookDispatcher({
      logger: {
        info: () => {
          throw new Error('logger down');
        },
        warn: () => {
          throw new Error('logger down');
        },
        error: () => {
          throw new Error('logger down');
        },
      },
    });
    cleanups.push(() => throwing.close());
    expect(() => throwing.send('not a url', 'session.created', session(), {})).not.toThrow();
    expect(r.connections).toBe(0);
  });
});

describe('WebhookDispatcher beforeSend', () => {
  it('refuses a URL without any connection and without retrying', async () => {
    const r = await receiver();
    const seen: string[] = [];
    const { d, log } = dispatcher({
      beforeSend: async (url) => {
        seen.push(url.host);
        throw new Error('url_blocked: loopback');
      },
    });
    d.send(r.url(), 'session.created', session(), {});
    await log.waitFor('webhook_failed_permanently');
    await d.drain(5_000);
    expect(r.connections).toBe(0);
    expect(r.requests).toHaveLength(0);
    expect(seen).toEqual([`127.0.0.1:${r.port}`]);
    expect(log.messages()).toEqual(['webhook_failed_permanently']);
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({
      attempt: 1,
      reason: 'refused',
      error: 'url_blocked: loopback',
    });
  });

  it('refuses when the check does not finish within timeoutMs', async () => {
    const r = await receiver();
    const { d, log } = dispatcher({ timeoutMs: 100, beforeSend: () => new Promise<void>(() => undefined) });
    d.send(r.url(), 'session.created', session(), {});
    await log.waitFor('webhook_failed_permanently');
    expect(r.connections).toBe(0);
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({ reason: 'refused' });
  });
});

describe('WebhookDispatcher drain and close', () => {
  it('drain waits for deliveries in flight', async () => {
    const hung = gate();
    const r = await receiver(() => hung.reply);
    cleanups.push(async () => hung.release());
    const { d, log } = dispatcher();
    d.send(r.url(), 'session.deleted', session(), {});
    await r.waitForRequests(1);
    let drained = false;
    const draining = d.drain(10_000).then(() => {
      drained = true;
    });
    // Let the event loop turn a few times: the request is still held, so drain must not finish.
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    expect(log.withMsg('webhook_delivered')).toHaveLength(0);
    hung.release();
    await draining;
    expect(log.withMsg('webhook_delivered')).toHaveLength(1);
    expect(d.pendingCount()).toBe(0);
  });

  it('drain returns at its timeout while a delivery still hangs', async () => {
    const hung = gate();
    const r = await receiver(() => hung.reply);
    cleanups.push(async () => hung.release());
    const { d } = dispatcher({ timeoutMs: 10_000 });
    d.send(r.url(), 'session.deleted', session(), {});
    await r.waitForRequests(1);
    await d.drain(50);
    expect(d.pendingCount()).toBe(1);
  });

  it('drain resolves at once when nothing is pending', async () => {
    const { d } = dispatcher();
    await d.drain(10_000);
    expect(d.pendingCount()).toBe(0);
  });

  it('close aborts in-flight and queued deliveries and refuses later sends', async () => {
    const hung = gate();
    const r = await receiver(() => hung.reply);
    cleanups.push(async () => hung.release());
    const { d, log } = dispatcher({ timeoutMs: 10_000 });
    d.send(r.url(), 'task.started', session(), webhookPayloads.taskStarted('go'));
    d.send(r.url(), 'task.completed', session(), webhookPayloads.taskCompleted('Found 3 flights'));
    await r.waitForRequests(1);
    await d.close();
    expect(d.pendingCount()).toBe(0);
    expect(log.withMsg('webhook_failed_permanently')).toEqual([
      expect.objectContaining({ event: 'task.started', reason: 'closed' }),
      expect.objectContaining({ event: 'task.completed', reason: 'closed' }),
    ]);
    d.send(r.url(), 'session.deleted', session(), {});
    expect(log.withMsg('webhook_failed_permanently')[2]).toMatchObject({ event: 'session.deleted', reason: 'closed' });
    await d.drain(1_000);
    expect(r.requests).toHaveLength(1);
  });

  it('close cuts a backoff wait short', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { d, log } = dispatcher({ baseDelayMs: 60_000, retryWindowMs: 120_000 });
    d.send(r.url(), 'session.created', session(), {});
    await log.waitFor('webhook_retry');
    await d.close();
    expect(log.withMsg('webhook_failed_permanently')[0]).toMatchObject({ attempt: 1, status: 500, reason: 'closed' });
    expect(r.requests).toHaveLength(1);
  });
});
