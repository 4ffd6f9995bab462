import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ApprovalsResponse,
  DeleteAllResponse,
  DeleteResponse,
  ErrorResponse,
  MessagesResponse,
  ModelsResponse,
  NavigateResponse,
  PaymentTokenResponse,
  PaymentTokensResponse,
  ReplayResponse,
  ScreenshotResponse,
  SessionListResponse,
  SessionResponse,
  SseEvent,
  StatusResponse,
  SuccessResponse,
  WEBHOOK_EVENTS,
  WebhookBody,
} from '@steward/protocol';
import { messageToSse, sessionEventToSse } from '../../src/api/serializers.ts';
import { buildWebhookBody, webhookPayloads } from '../../src/sessions/webhooks/index.ts';
import { buildInjectApp, type InjectApp } from '../support/inject-app.ts';

// Real answers of the server (over fakes: no Chromium, no model) parsed with protocol's response
// schemas. Parsing drops keys a schema does not know, so `toEqual` on the parsed value also
// catches a field the server sends that the schema (and the OpenAPI document) leaves out.

let t: InjectApp;
beforeAll(async () => {
  t = await buildInjectApp();
});
afterAll(async () => {
  await t.close();
});

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${t.key}` }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
  return { status: res.statusCode, body: res.json() };
}

function expectShape(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.error?.issues ?? [], JSON.stringify(body)).toEqual([]);
  expect(parsed.data).toEqual(body);
}

async function untilStatus(id: string, wanted: string[]): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { body } = await call('GET', `/v1/sessions/${id}/status`);
    if (wanted.includes((body as { status: string }).status)) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`session ${id} never reached ${wanted.join(' or ')}`);
}

describe('real answers match their protocol schemas', () => {
  it('sessions, messages, status, navigate, screenshot, models, delete', async () => {
    const created = await call('POST', '/v1/sessions', { goal: 'look around', agent_session_type: 'managed-cdp' });
    expect(created.status).toBe(200);
    expectShape(SessionResponse, created.body);
    const id = (created.body as SessionResponse).session_id;

    expectShape(SessionResponse, (await call('GET', `/v1/sessions/${id}`)).body);
    expectShape(SessionListResponse, (await call('GET', '/v1/sessions')).body);

    // No model configured: the task ends with an ERROR (no_model), a real message of each kind the poller sees.
    const sent = await call('POST', `/v1/sessions/${id}/message`, { message: 'find the price' });
    expect(sent.status).toBe(200);
    expectShape(SuccessResponse, sent.body);
    await untilStatus(id, ['error', 'finished']);
    expectShape(StatusResponse, (await call('GET', `/v1/sessions/${id}/status`)).body);
    for (const sanitize of ['true', 'false']) {
      const messages = await call('GET', `/v1/sessions/${id}/messages?sanitize=${sanitize}`);
      expectShape(MessagesResponse, messages.body);
      expect((messages.body as MessagesResponse).messages.map((m) => m.type)).toEqual(expect.arrayContaining(['USER', 'ERROR']));
    }

    const navigated = await call('POST', `/v1/sessions/${id}/navigate`, { url: 'https://example.com/' });
    expect(navigated.status).toBe(200);
    expectShape(NavigateResponse, navigated.body);
    const screenshot = await call('GET', `/v1/sessions/${id}/screenshot`);
    expect(screenshot.status).toBe(200);
    expectShape(ScreenshotResponse, screenshot.body);

    expectShape(ApprovalsResponse, (await call('GET', `/v1/sessions/${id}/approvals`)).body);
    // This app keeps no replay (its steps are parsed over a real one in e2e/session-replay.test.ts).
    expectShape(ReplayResponse, (await call('GET', `/v1/sessions/${id}/replay`)).body);
    expectShape(ModelsResponse, (await call('GET', '/v1/models')).body);
    expectShape(DeleteResponse, (await call('DELETE', `/v1/sessions/${id}`)).body);
    expectShape(DeleteResponse, (await call('DELETE', `/v1/sessions/${id}`)).body);
    await call('POST', '/v1/sessions', {});
    expectShape(DeleteAllResponse, (await call('DELETE', '/v1/sessions')).body);
  });

  it('payment tokens', async () => {
    const created = await call('POST', '/v1/payment_tokens', { card: { number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2099, cvc: '123', name: 'Ada Lovelace' }, max_amount: 20 });
    expect(created.status).toBe(201);
    expectShape(PaymentTokenResponse, created.body);
    expectShape(PaymentTokensResponse, (await call('GET', '/v1/payment_tokens')).body);
    expectShape(PaymentTokenResponse, (await call('DELETE', `/v1/payment_tokens/${(created.body as PaymentTokenResponse).id}`)).body);
  });

  it('error bodies, a 422 with its FastAPI list among them', async () => {
    for (const [method, url, body] of [
      ['GET', '/v1/sessions/missing', undefined],
      ['POST', '/v1/sessions', { max_steps: 0 }],
      ['POST', '/v1/sessions/missing/pause', undefined],
    ] as const) {
      const res = await call(method, url, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expectShape(ErrorResponse, res.body);
    }
  });

  it('SSE events of real stored messages, and the pause and resume events', async () => {
    const id = ((await call('POST', '/v1/sessions', {})).body as SessionResponse).session_id;
    await call('POST', `/v1/sessions/${id}/message`, { message: 'find the price' });
    await untilStatus(id, ['error', 'finished']);
    const records = await t.sessions.history(id, 0, true);
    expect(records.length).toBeGreaterThan(1);
    for (const record of records) expectShape(SseEvent, messageToSse(record));
    for (const kind of ['paused', 'resumed'] as const) expectShape(SseEvent, sessionEventToSse({ kind, at: new Date() } as never));
  });

  it('webhook bodies, one of each event', () => {
    const session = { id: 'a6b1c0de-0000-4000-8000-000000000000', apiKeyId: 'key', status: 'running' as const, agentName: 'agi-0', createdAt: new Date(), vncUrl: 'http://steward.test/live' };
    const extras: Record<(typeof WEBHOOK_EVENTS)[number], Record<string, unknown>> = {
      'session.created': webhookPayloads.sessionCreated(),
      'session.status_changed': webhookPayloads.statusChanged('ready', 'running'),
      'session.deleted': webhookPayloads.sessionDeleted(),
      'task.started': webhookPayloads.taskStarted('find the price'),
      'task.completed': webhookPayloads.taskCompleted({ price: 12 }),
      'task.question': webhookPayloads.taskQuestion('Which size?', { choices: ['S', 'M'] }),
      'task.error': webhookPayloads.taskError('No model is configured.', { code: 'no_model' }),
    };
    for (const event of WEBHOOK_EVENTS) expectShape(WebhookBody, buildWebhookBody(event, session, extras[event], new Date()));
  });
});
