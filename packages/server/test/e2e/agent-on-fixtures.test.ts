import type { Message } from '@steward/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let site: FixtureServer;
beforeAll(async () => {
  site = await startFixtureServer();
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
  await site.close();
});

async function newSession(): Promise<string> {
  return (await t.client.sessions.create()).sessionId;
}

async function messagesOf(id: string): Promise<Message[]> {
  return (await t.client.sessions.getMessages(id)).messages;
}

/** A step LOG's metadata (spec §3): the action the agent ran and whether it worked. */
interface StepMetadata {
  kind: 'step';
  action: { tool: string };
  ok: boolean;
}

describe('a script policy drives the real browser', () => {
  it('fills and submits the registration form, verified on the server side', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'form Ada Lovelace|ada@example.com|France', { startUrl: `${site.url}/form/` });
    await t.waitForStatus(id, ['finished', 'error'], { timeoutMs: 30_000 });
    const messages = await messagesOf(id);
    const done = messages.at(-1)!;
    expect(done.type, JSON.stringify(messages.slice(-3))).toBe('DONE');
    expect(done.content).toContain('Thank you, Ada Lovelace');
    expect(site.state.submissions.at(-1)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', country: 'fr', termsAccepted: true, accepted: true });
    // Every action was reported as a step with its tool and arguments.
    const steps = messages.filter((m) => m.type === 'LOG' && m.metadata['kind'] === 'step').map((m) => m.metadata as unknown as StepMetadata);
    expect(steps.map((m) => m.action.tool)).toEqual(['navigate', 'type', 'type', 'select', 'click', 'click']);
    expect(steps.every((m) => m.ok)).toBe(true);
    expect(done.metadata['steps']).toBe(2);
  });

  it('asks a question, then finishes on the page after the answer', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, 'ask Which product should I open?', { startUrl: `${site.url}/shop/` });
    await t.waitForStatus(id, ['waiting_for_input']);
    await t.client.sessions.sendMessage(id, 'the red kettle');
    await t.waitForStatus(id, ['finished']);
    expect((await t.client.sessions.screenshot(id)).url).toBe(`${site.url}/shop/`);
    expect((await messagesOf(id)).at(-1)).toMatchObject({ type: 'DONE', content: 'answer: the red kettle' });
  });

  it('visits a page chosen by the policy and reports its title', async () => {
    const id = await newSession();
    await t.client.sessions.sendMessage(id, `visit ${site.url}/shop/products/red-kettle.html`);
    await t.waitForStatus(id, ['finished']);
    const done = (await messagesOf(id)).at(-1)!;
    expect(done.type).toBe('DONE');
    expect(done.content).toMatch(/Red Kettle/);
  });
});

describe('navigate and screenshot endpoints', () => {
  it('navigates and returns the URL after redirects', async () => {
    const id = await newSession();
    const redirect = `${site.url}/redirect?to=/pages/start.html`;
    expect(await t.client.sessions.navigate(id, redirect)).toEqual({ currentUrl: `${site.url}/pages/start.html` });
    // the wire itself: /navigate answers exactly `{ current_url }` (spec §1.11); no other test reads its raw body.
    const wire = await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: redirect } });
    expect(wire.status).toBe(200);
    expect(wire.body).toEqual({ current_url: `${site.url}/pages/start.html` });
    const shot = await t.client.sessions.screenshot(id);
    expect(shot.url).toBe(`${site.url}/pages/start.html`);
    expect(typeof shot.title).toBe('string');
    expect(shot.screenshot.startsWith('data:image/jpeg;base64,')).toBe(true);
    const bytes = Buffer.from(shot.screenshot.split(',')[1]!, 'base64');
    expect([bytes[0], bytes[1], bytes[2]]).toEqual([0xff, 0xd8, 0xff]);
  });

  it('answers 400 for bad URLs, 422 for a missing or overlong one, 502 for an unreachable site', async () => {
    const id = await newSession();
    for (const url of ['example.com/relative', 'file:///etc/passwd', 'javascript:alert(1)']) {
      await expect(t.client.sessions.navigate(id, url), url).rejects.toMatchObject({ status: 400, code: 'invalid_url' });
    }
    // the wire itself: a body without `url`, which the SDK's types cannot send.
    expect((await t.request('POST', `/v1/sessions/${id}/navigate`, { body: {} })).status).toBe(422);
    await expect(t.client.sessions.navigate(id, `http://127.0.0.1/${'a'.repeat(2001)}`)).rejects.toMatchObject({ status: 422 });
    // A loopback port nobody listens on (port 9, discard, is closed here).
    await expect(t.client.sessions.navigate(id, 'http://127.0.0.1:9/')).rejects.toMatchObject({ status: 502, code: 'navigation_failed' });
  });
});
