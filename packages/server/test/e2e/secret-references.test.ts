import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APIError, ValidationError } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { followEvents } from '../support/follow-events.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../support/test-server.ts';

// Issue 9, secrets by reference: a task names `{{secret:NAME}}`, the agent types the placeholder,
// the browser types the value only on the sites the secret may go to, and no stored or streamed
// text holds the value. The test acts through the SDK; the leak surfaces that are HTTP answers
// (messages, the session) are read off the wire with t.request, as sent.
const POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/secret-ref-policy.mjs')}`;
const FULLNAME = 'Ada Secretname-7d1f';
const EMAIL = 'ada.secret-5c2e@example.com';
const SCOPED = 'scoped-value-1a2b';

function rawBytesHold(dir: string, needle: string): string[] {
  const wanted = Buffer.from(needle, 'utf8');
  const out: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && readFileSync(path).includes(wanted)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

/** The error an SDK call was refused with (the test fails if it was not). */
async function refusal(call: Promise<unknown>): Promise<APIError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
  throw new Error('the call was not refused');
}

let site: FixtureServer;
let other: FixtureServer;
let t: TestServer;

beforeAll(async () => {
  site = await startFixtureServer();
  other = await startFixtureServer();
  t = await startTestServer({ model: POLICY });
});
afterAll(async () => {
  await t?.close();
  await other?.close();
  await site?.close();
});

describe('secrets by reference', () => {
  it('types each secret only where it may go, and no message, event or stored byte holds a value', async () => {
    const created = await t.client.sessions.create('agi-0', { secrets: { FULLNAME, EMAIL: { value: EMAIL }, SCOPED: { value: SCOPED, domains: ['other.example'] } } });
    const id = created.sessionId;
    const followed = followEvents(t.client, id, { sanitize: false });
    const port = new URL(other.url).port;
    await t.client.sessions.sendMessage(id, `register ${site.url} ${port}`);
    expect(await t.waitForStatus(id, ['finished', 'error'], { timeoutMs: 60_000 })).toBe('finished');
    await followed.ended;
    expect(followed.error).toBeUndefined();

    // The page got the values.
    expect(site.state.submissions.at(-1)).toMatchObject({ name: FULLNAME, email: EMAIL, accepted: true });
    // The other site got nothing typed: no submission, and the refusal says why.
    expect(other.state.submissions).toEqual([]);
    // The wire itself: the messages are a leak surface, read as sent.
    const all = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages as Array<Record<string, any>>;
    const done = all.find((m) => m.type === 'DONE');
    expect(done?.content.thanks).toContain('Thank you, {{secret:FULLNAME}}');
    expect(done?.content.refusals).toEqual([
      expect.stringContaining('{{secret:SCOPED}} may be typed only on other.example'),
      expect.stringContaining('{{secret:EMAIL}} may be typed only on the sites the task names (127.0.0.1:'),
    ]);
    // The model was told which secrets it has, and saw the placeholder where the page echoed a value.
    const prompts = all.filter((m) => m.metadata?.kind === 'prompt').map((m) => String(m.content));
    expect(prompts[0]).toContain('SECRETS: ');
    expect(prompts.some((p) => p.includes('Thank you, {{secret:FULLNAME}}'))).toBe(true);

    const surfaces = {
      messages: JSON.stringify(all),
      events: JSON.stringify(followed.events),
      session: JSON.stringify((await t.request('GET', `/v1/sessions/${id}`)).body),
    };
    for (const [surface, text] of Object.entries(surfaces)) {
      for (const value of [FULLNAME, EMAIL, SCOPED]) expect(text.includes(value), `${value} in ${surface}`).toBe(false);
    }
    for (const value of [FULLNAME, EMAIL, SCOPED]) expect(rawBytesHold(t.dataDir, value), value).toEqual([]);
    expect(await t.client.sessions.delete(id)).toMatchObject({ success: true, deleted: true });
  }, 90_000);

  it('takes secrets from config_updates, keeps only their names in the message, and refuses unknown or malformed ones with a 422', async () => {
    const id = (await t.client.sessions.create()).sessionId;
    const unknown = await refusal(t.client.sessions.sendMessage(id, 'log in with {{secret:PASSWORD}}'));
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('{{secret:PASSWORD}}');
    for (const secrets of [{ 'bad name': 'x' }, { A: '' }, { A: { value: 'x', domains: ['not a domain!'] } }, { A: { value: 'x', other: 1 } }]) {
      const bad = await refusal(t.client.sessions.sendMessage(id, 'hi', { configUpdates: { secrets } }));
      expect(bad.status, JSON.stringify(secrets)).toBe(422);
      // The refusal does not echo the value back.
      expect(JSON.stringify(bad.body)).not.toContain('"x"');
    }
    expect((await refusal(t.client.sessions.create('agi-0', { secrets: { '1st': 'v' } }))).status).toBe(422);

    await t.client.sessions.sendMessage(id, `register ${site.url} ${new URL(other.url).port} {{secret:FULLNAME}}`, {
      configUpdates: { secrets: { FULLNAME, EMAIL, SCOPED: { value: SCOPED, domains: ['other.example'] } } },
    });
    expect(await t.waitForStatus(id, ['finished', 'error'], { timeoutMs: 60_000 })).toBe('finished');
    // The wire itself: the stored message is a leak surface, read as sent.
    const all = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages as Array<Record<string, any>>;
    expect(all.find((m) => m.type === 'USER')?.metadata.config_updates).toEqual({ secrets: ['FULLNAME', 'EMAIL', 'SCOPED'] });
    expect(JSON.stringify(all).includes(EMAIL)).toBe(false);
    for (const value of [FULLNAME, EMAIL, SCOPED]) expect(rawBytesHold(t.dataDir, value), value).toEqual([]);
    await t.client.sessions.delete(id);
  }, 90_000);
});
