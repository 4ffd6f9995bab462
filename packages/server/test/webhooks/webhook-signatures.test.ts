import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDispatcher, type WebhookDispatcherOptions } from '../../src/sessions/webhooks/webhook-dispatcher.ts';
import { webhookPayloads } from '../../src/sessions/webhooks/webhook-payloads.ts';
import { WebhookSecrets } from '../../src/sessions/webhooks/webhook-secrets.ts';
import { newWebhookSecret } from '../../src/sessions/webhooks/webhook-signature.ts';
import type { WebhookSession } from '../../src/sessions/webhooks/webhook-types.ts';
import { InMemoryStore } from '../../src/store/memory/in-memory-store.ts';
import { LoopbackReceiver, type ReceivedRequest, type Responder } from './loopback-receiver.ts';
import { RecordingLogger } from './recording-logger.ts';

function session(apiKeyId = 'key-1', id = 'sess-1'): WebhookSession {
  return { id, apiKeyId, status: 'ready', agentName: 'agi-0', createdAt: new Date('2024-01-15T10:29:59Z') };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(responder?: Responder, options: Partial<WebhookDispatcherOptions> = {}) {
  const receiver = await LoopbackReceiver.start(responder);
  cleanups.push(() => receiver.close());
  const store = new InMemoryStore();
  const secrets = new WebhookSecrets(store);
  const log = new RecordingLogger();
  // The real clock: receivers refuse timestamps more than 5 minutes off.
  const d = new WebhookDispatcher({ logger: log, timeoutMs: 2_000, baseDelayMs: 10, secrets, ...options });
  cleanups.push(() => d.close());
  return { receiver, store, secrets, log, d };
}

const headersOf = (request: ReceivedRequest): Record<string, string> => request.headers as Record<string, string>;

describe('webhook signatures (Standard Webhooks)', () => {
  it('signs each delivery with its key secret; standardwebhooks verifies it, and refuses a tampered body or another secret', async () => {
    const { receiver, secrets, log, d } = await setup();
    d.send(receiver.url(), 'task.completed', session(), webhookPayloads.taskCompleted('Found 3 flights'));
    await log.waitFor('webhook_delivered');
    const [request] = receiver.requests;
    const headers = headersOf(request!);
    expect(headers['webhook-id']).toMatch(/^msg_[A-Za-z0-9_-]{22}$/);
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -1);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    // The documented headers are still there.
    expect(headers['x-event-type']).toBe('task.completed');
    expect(headers['content-type']).toBe('application/json');

    const secret = await secrets.secretFor('key-1');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(request!.body, headers)).toMatchObject({ event: 'task.completed', content: 'Found 3 flights' });
    const tampered = request!.body.replace('Found 3 flights', 'Found 0 flights');
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(newWebhookSecret()).verify(request!.body, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(request!.body, { ...headers, 'webhook-id': 'msg_other' })).toThrow(WebhookVerificationError);
  });

  it('keeps one webhook-id across the retries of a delivery, a new one per delivery, and signs every attempt', async () => {
    const { receiver, secrets, log, d } = await setup((_request, index) => ({ status: index < 2 ? 503 : 200 }));
    d.send(receiver.url(), 'task.started', session(), webhookPayloads.taskStarted('one'));
    d.send(receiver.url(), 'task.started', session(), webhookPayloads.taskStarted('two'));
    await log.waitFor('webhook_delivered', 2);
    const ids = receiver.requests.map((r) => headersOf(r)['webhook-id']);
    expect(ids).toHaveLength(4);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[1]).toBe(ids[2]);
    expect(ids[3]).not.toBe(ids[0]);
    const secret = await secrets.secretFor('key-1');
    for (const request of receiver.requests) expect(() => new Webhook(secret).verify(request.body, headersOf(request))).not.toThrow();
    expect(log.withMsg('webhook_retry').map((entry) => entry['webhookId'])).toEqual([ids[0], ids[0]]);
  });

  it('signs each key with its own secret, kept in the store', async () => {
    const { receiver, store, secrets, log, d } = await setup();
    d.send(receiver.url(), 'session.created', session('key-2', 'sess-2'), {});
    await log.waitFor('webhook_delivered');
    const [request] = receiver.requests;
    const own = await secrets.secretFor('key-2');
    expect(await store.ensureWebhookSecret('key-2', newWebhookSecret())).toBe(own);
    expect(() => new Webhook(own).verify(request!.body, headersOf(request!))).not.toThrow();
    const other = await secrets.secretFor('key-1');
    expect(other).not.toBe(own);
    expect(() => new Webhook(other).verify(request!.body, headersOf(request!))).toThrow(WebhookVerificationError);
  });

  it('never logs the secret or the signature, whatever happens to the delivery', async () => {
    const { receiver, secrets, log, d } = await setup(() => ({ status: 500 }), { maxAttempts: 2 });
    d.send(receiver.url(), 'session.created', session(), {});
    await log.waitFor('webhook_failed_permanently');
    const secret = await secrets.secretFor('key-1');
    const logged = JSON.stringify(log.entries);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain(secret.slice('whsec_'.length));
    expect(logged).not.toContain(headersOf(receiver.requests[0]!)['webhook-signature']!.slice(3));
  });
});
