import { describe, expect, it } from 'vitest';
import { buildWebhookBody, webhookPayloads } from '../../src/sessions/webhooks/webhook-payloads.ts';
import { nextRetryDelay } from '../../src/sessions/webhooks/webhook-retry-policy.ts';
import type { WebhookSession } from '../../src/sessions/webhooks/webhook-types.ts';

const session: WebhookSession = {
  id: '550e8400-e29b-41d4-a716-446655440000',
  // Never on the wire: the documented example below must come out exactly.
  apiKeyId: 'key-1',
  status: 'ready',
  agentName: 'agi-0',
  createdAt: new Date('2024-01-15T10:30:00Z'),
  vncUrl: 'http://vnc-instance:5900',
};

describe('webhookPayloads', () => {
  it('builds the extra fields of spec §6.1', () => {
    expect(webhookPayloads.sessionCreated()).toEqual({});
    expect(webhookPayloads.sessionDeleted()).toEqual({});
    expect(webhookPayloads.statusChanged('running', 'paused')).toEqual({ old_status: 'running', new_status: 'paused' });
    expect(webhookPayloads.taskStarted('Find flights')).toEqual({ message: 'Find flights' });
    expect(webhookPayloads.taskCompleted('Found 3 flights')).toEqual({ result: { status: 'success', message: 'Task completed successfully' }, content: 'Found 3 flights' });
    expect(webhookPayloads.taskCompleted({ summary: 'Found 3', flights: [1, 2, 3] })).toMatchObject({ content: { summary: 'Found 3', flights: [1, 2, 3] } });
    expect(webhookPayloads.taskQuestion('Morning or evening?')).toEqual({ question: 'Morning or evening?', context: {} });
    expect(webhookPayloads.taskError('Connection timeout')).toEqual({ error: 'Connection timeout', details: {} });
  });
});

describe('buildWebhookBody', () => {
  it('matches the documented session.created example', () => {
    const body = buildWebhookBody('session.created', session, {}, new Date('2024-01-15T10:30:00Z'));
    expect(JSON.stringify(body)).toBe(
      JSON.stringify({
        event: 'session.created',
        timestamp: '2024-01-15T10:30:00.000Z',
        session: {
          id: '550e8400-e29b-41d4-a716-446655440000',
          status: 'ready',
          agent_name: 'agi-0',
          created_at: '2024-01-15T10:30:00.000Z',
          vnc_url: 'http://vnc-instance:5900',
        },
      }),
    );
  });

  it('leaves vnc_url out when the session has none', () => {
    const { vncUrl: _, ...withoutVnc } = session;
    const body = buildWebhookBody('session.deleted', withoutVnc, {}, new Date(0));
    expect(body.session).toEqual({
      id: session.id,
      status: 'ready',
      agent_name: 'agi-0',
      created_at: '2024-01-15T10:30:00.000Z',
    });
  });

  it('appends extra fields but never lets them replace event, timestamp or session', () => {
    const body = buildWebhookBody(
      'task.error',
      session,
      { ...webhookPayloads.taskError('boom'), event: 'forged', timestamp: 'forged', session: 'forged' },
      new Date('2024-01-15T10:31:00.5Z'),
    );
    expect(body).toEqual({
      event: 'task.error',
      timestamp: '2024-01-15T10:31:00.500Z',
      session: expect.objectContaining({ id: session.id }),
      error: 'boom',
      details: {},
    });
  });
});

describe('nextRetryDelay', () => {
  const policy = { maxAttempts: 3, retryWindowMs: 30_000, baseDelayMs: 1_000 };

  it('doubles the delay from the base', () => {
    expect(nextRetryDelay(policy, 1, 0)).toBe(1_000);
    expect(nextRetryDelay(policy, 2, 1_500)).toBe(2_000);
  });

  it('stops after maxAttempts', () => {
    expect(nextRetryDelay(policy, 3, 0)).toBeUndefined();
    expect(nextRetryDelay({ ...policy, maxAttempts: 1 }, 1, 0)).toBeUndefined();
  });

  it('stops when the next attempt would start outside the window', () => {
    expect(nextRetryDelay(policy, 1, 29_000)).toBe(1_000);
    expect(nextRetryDelay(policy, 1, 29_001)).toBeUndefined();
    expect(nextRetryDelay(policy, 2, 28_500)).toBeUndefined();
  });
});
