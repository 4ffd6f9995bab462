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
  return (await t.request('POST', '/v1/sessions', { body: {} })).body.session_id;
}

describe('a script policy drives the real browser', () => {
  it('fills and submits the registration form, verified on the server side', async () => {
    const id = await newSession();
    const res = await t.request('POST', `/v1/sessions/${id}/message`, {
      body: { message: 'form Ada Lovelace|ada@example.com|France', start_url: `${site.url}/form/` },
    });
    expect(res.status).toBe(200);
    await t.waitForStatus(id, ['finished', 'error'], { timeoutMs: 30_000 });
    const messages = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages;
    const done = messages.at(-1);
    expect(done.type, JSON.stringify(messages.slice(-3))).toBe('DONE');
    expect(done.content).toContain('Thank you, Ada Lovelace');
    expect(site.state.submissions.at(-1)).toMatchObject({ name: 'Ada Lovelace', email: 'ada@example.com', country: 'fr', termsAccepted: true, accepted: true });
    // Every action was reported as a step with its tool and arguments.
    const steps = messages.filter((m: { type: string; metadata: { kind?: string } }) => m.type === 'LOG' && m.metadata.kind === 'step');
    expect(steps.map((m: { metadata: { action: { tool: string } } }) => m.metadata.action.tool)).toEqual(['navigate', 'type', 'type', 'select', 'click', 'click']);
    expect(steps.every((m: { metadata: { ok: boolean } }) => m.metadata.ok)).toBe(true);
    expect(done.metadata.steps).toBe(2);
  });

  it('asks a question, then finishes on the page after the answer', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'ask Which product should I open?', start_url: `${site.url}/shop/` } });
    await t.waitForStatus(id, ['waiting_for_input']);
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: 'the red kettle' } });
    await t.waitForStatus(id, ['finished']);
    const shot = await t.request('GET', `/v1/sessions/${id}/screenshot`);
    expect(shot.body.url).toBe(`${site.url}/shop/`);
    const done = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1);
    expect(done).toMatchObject({ type: 'DONE', content: 'answer: the red kettle' });
  });

  it('visits a page chosen by the policy and reports its title', async () => {
    const id = await newSession();
    await t.request('POST', `/v1/sessions/${id}/message`, { body: { message: `visit ${site.url}/shop/products/red-kettle.html` } });
    await t.waitForStatus(id, ['finished']);
    const done = (await t.request('GET', `/v1/sessions/${id}/messages`)).body.messages.at(-1);
    expect(done.type).toBe('DONE');
    expect(done.content).toMatch(/Red Kettle/);
  });
});

describe('navigate and screenshot endpoints', () => {
  it('navigates and returns the URL after redirects', async () => {
    const id = await newSession();
    const res = await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: `${site.url}/redirect?to=/pages/start.html` } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ current_url: `${site.url}/pages/start.html` });
    const shot = await t.request('GET', `/v1/sessions/${id}/screenshot`);
    expect(shot.status).toBe(200);
    expect(shot.body.url).toBe(`${site.url}/pages/start.html`);
    expect(typeof shot.body.title).toBe('string');
    expect(shot.body.screenshot.startsWith('data:image/jpeg;base64,')).toBe(true);
    const bytes = Buffer.from(shot.body.screenshot.split(',')[1], 'base64');
    expect([bytes[0], bytes[1], bytes[2]]).toEqual([0xff, 0xd8, 0xff]);
  });

  it('answers 400 for bad URLs, 422 for a missing or overlong one, 502 for an unreachable site', async () => {
    const id = await newSession();
    for (const url of ['example.com/relative', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const res = await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url } });
      expect(res.status, url).toBe(400);
      expect(res.body.error).toBe('invalid_url');
    }
    expect((await t.request('POST', `/v1/sessions/${id}/navigate`, { body: {} })).status).toBe(422);
    expect((await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: `http://127.0.0.1/${'a'.repeat(2001)}` } })).status).toBe(422);
    // A loopback port nobody listens on (port 9, discard, is closed here).
    const down = await t.request('POST', `/v1/sessions/${id}/navigate`, { body: { url: 'http://127.0.0.1:9/' } });
    expect(down.status).toBe(502);
    expect(down.body.error).toBe('navigation_failed');
  });
});
