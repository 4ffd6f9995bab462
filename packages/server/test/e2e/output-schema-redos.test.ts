import { join } from 'node:path';
import { ValidationError } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../support/test-server.ts';

const POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/freeze-policy.mjs')}`;
const EVIL_SCHEMA = { type: 'object', properties: { value: { type: 'string', pattern: '^(a+)+$' } }, required: ['value'] };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ model: POLICY });
});
afterAll(async () => {
  await t.close();
});

async function newSession(): Promise<string> {
  return (await t.client.sessions.create()).sessionId;
}

describe('a catastrophic output_schema pattern', () => {
  it('is checked against the DONE result while /healthz keeps answering at once', async () => {
    const id = await newSession();
    expect(await t.client.sessions.sendMessage(id, 'freeze', { configUpdates: { output_schema: EVIL_SCHEMA } })).toMatchObject({ success: true });
    // /healthz back to back until the task is over: a frozen loop holds whichever request is in flight.
    const latencies: number[] = [];
    const deadline = Date.now() + 60_000;
    for (let status = ''; status !== 'finished' && status !== 'error'; ) {
      expect(Date.now(), 'the task did not finish').toBeLessThan(deadline);
      const start = performance.now();
      const health = await fetch(`${t.url}/healthz`);
      latencies.push(performance.now() - start);
      expect(health.status).toBe(200);
      status = (await t.client.sessions.getStatus(id)).status;
    }
    const worst = Math.max(...latencies);
    // A hang detector, not a benchmark: before RE2 this request waited ~9 s behind the check.
    expect(worst, `slowest /healthz: ${worst.toFixed(1)} ms of ${latencies.length}`).toBeLessThan(1_000);
    const { messages } = await t.client.sessions.getMessages(id, 0, false);
    expect(messages.at(-1)).toMatchObject({ type: 'DONE', content: { value: 'aaaa' } });
    const told = messages.find((m) => m.type === 'THOUGHT' && typeof m.content === 'string' && m.content.includes('does not match the required format'));
    expect(told?.content).toContain('value: Invalid string: must match pattern /^(a+)+$/');
  }, 120_000);
});

describe('output_schema the server will not run answers 422 and stores nothing', () => {
  async function refused(output_schema: unknown): Promise<string> {
    const id = await newSession();
    const error = await t.client.sessions.sendMessage(id, 'freeze', { configUpdates: { output_schema } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 422, code: 'validation_error' });
    expect((await t.client.sessions.getMessages(id, 0, false)).messages).toEqual([]);
    return (error as ValidationError).issues[0]!.msg;
  }

  it('for a pattern RE2 cannot run (a backreference), saying which and why', async () => {
    const msg = await refused({ type: 'object', properties: { pair: { type: 'string', pattern: '^(.)\\1$' } } });
    expect(msg).toBe('output_schema at /properties/pair/pattern: the pattern "^(.)\\\\1$" uses a backreference, which the linear-time engine (RE2) does not have (invalid escape sequence: \\1)');
  });

  it('for a schema nested more than 32 levels deep', async () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 40; level++) schema = { type: 'array', items: schema };
    expect(await refused(schema)).toBe('output_schema is nested more than 32 levels deep');
  });
});
