import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { NotFoundError, PermissionError, RateLimitError, type Session } from '@steward/client';
import { SessionResponse } from '@steward/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface Book {
  id: string;
  title: string;
  author: string;
  genre: string;
  price: number;
  rating: number;
}
interface Catalogue {
  books: Book[];
  delivery: Array<{ id: string; label: string; price: number }>;
}

/** The shop's own data, read as the page reads it, so the expected answer is computed here, not copied. */
function demoCatalogue(): Catalogue {
  const sandbox: { LARKSPUR_CATALOGUE?: Catalogue } = {};
  runInNewContext(readFileSync(new URL('../../src/demo/site/catalogue.js', import.meta.url), 'utf8'), sandbox);
  return sandbox.LARKSPUR_CATALOGUE!;
}

const cents = (amount: number): number => Math.round(amount * 100) / 100;

// The default a new user has: no STEWARD_MODEL, and the operator policy refusing loopback (no
// STEWARD_EGRESS_ALLOW). The browser runs behind the egress proxy in its network namespace.
describe('the bundled demo (POST /v1/demo/sessions)', () => {
  let t: TestServer;
  let demo: Session;
  let status: number;
  beforeAll(async () => {
    t = await startTestServer({ model: undefined, egressAllow: '' });
    const { data, response } = await t.client.demo.start().withResponse();
    demo = data;
    status = response.status;
    await t.waitForStatus(demo.sessionId, ['finished', 'error'], { timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 201 with a session labelled demo, in GET and in the list too', async () => {
    expect(status).toBe(201);
    expect(demo).toMatchObject({ agentName: 'agi-0', status: 'running', demo: true });
    expect(await t.client.sessions.get(demo.sessionId)).toMatchObject({ sessionId: demo.sessionId, demo: true });
    const ordinary = await t.client.sessions.create('agi-0');
    expect(ordinary).not.toHaveProperty('demo');
    const listed = await t.client.sessions.list();
    expect(listed.find((s) => s.sessionId === demo.sessionId)).toMatchObject({ demo: true });
    expect(listed.find((s) => s.sessionId === ordinary.sessionId)).not.toHaveProperty('demo');
    // The wire itself, parsed with the protocol's schema (which keeps only the fields it knows).
    const wire = await t.request('GET', `/v1/sessions/${demo.sessionId}`);
    expect(SessionResponse.parse(wire.body)).toEqual(wire.body);
    expect(wire.body.demo).toBe(true);
  });

  it('runs the demo task to DONE with a structured result, with no model configured', async () => {
    const { messages, status: execution } = await t.client.sessions.getMessages(demo.sessionId);
    const errors = messages.filter((m) => m.type === 'ERROR').map((m) => m.content);
    expect(errors).toEqual([]);
    expect(execution).toBe('finished');
    const { books, delivery } = demoCatalogue();
    const standard = delivery.find((option) => option.id === 'standard')!;
    const shortlist = books
      .filter((book) => book.genre === 'Science fiction' && book.price < 20)
      .sort((a, b) => b.rating - a.rating || a.price - b.price)
      .slice(0, 3);
    const best = shortlist[0]!;
    const done = messages.find((m) => m.type === 'DONE');
    expect(done?.content).toEqual({
      demo: 'scripted',
      note: expect.stringMatching(/not a language model/),
      query: 'science fiction',
      max_price: 20,
      shortlist: shortlist.map((book, i) => ({ rank: i + 1, title: book.title, author: book.author, rating: book.rating, price: book.price })),
      cart: {
        items: [{ title: best.title, quantity: 1, price: best.price }],
        delivery: `${standard.label} — $${standard.price.toFixed(2)}`,
        subtotal: best.price,
        delivery_cost: standard.price,
        total: cents(best.price + standard.price),
      },
      order_placed: false,
    });
    // It searched, filtered, opened, added, filled in: steps that acted on the page, by role and name.
    const steps = messages.filter((m) => m.metadata['kind'] === 'step').map((m) => m.metadata['action'] as { tool: string });
    expect(steps.map((s) => s.tool)).toEqual(['navigate', 'type', 'select', 'select', 'extract', 'click', 'click', 'click', 'type', 'type', 'select']);
  });

  it('says in its first message and in every thought that it is a scripted demo, not a language model', async () => {
    const { messages } = await t.client.sessions.getMessages(demo.sessionId);
    const user = messages.find((m) => m.type === 'USER');
    expect(user?.content).toMatch(/^Scripted demo .*not a language model/);
    const thoughts = messages.filter((m) => m.type === 'THOUGHT').map((m) => String(m.content));
    expect(thoughts.length).toBeGreaterThanOrEqual(5);
    expect(thoughts.length).toBeLessThanOrEqual(8);
    for (const thought of thoughts) expect(thought).toMatch(/^Scripted demo \(not a language model\): /);
  });

  it('allows the demo site to the demo session alone: another session of the same server is refused it', async () => {
    const { messages } = await t.client.sessions.getMessages(demo.sessionId);
    const site = new URL(String(messages.find((m) => m.type === 'USER')?.metadata['start_url'])).origin;
    expect(site).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(site).port).not.toBe(new URL(t.url).port);
    const ordinary = await t.client.sessions.create('agi-0');
    const refused = t.client.sessions.navigate(ordinary.sessionId, `${site}/search.html`);
    await expect(refused).rejects.toBeInstanceOf(PermissionError);
    await expect(refused).rejects.toMatchObject({ status: 403, code: 'url_blocked', body: { message: expect.stringMatching(/refused: 127\.0\.0\.1 is a loopback address/) } });
    // The demo session reaches its site, and nothing else on loopback: not the API it came from.
    expect(await t.client.sessions.navigate(demo.sessionId, `${site}/cart.html`)).toEqual({ currentUrl: `${site}/cart.html` });
    await expect(t.client.sessions.navigate(demo.sessionId, `${t.url}/healthz`)).rejects.toMatchObject({ status: 403, code: 'url_blocked' });
    await expect(t.client.sessions.navigate(demo.sessionId, 'https://example.com/')).rejects.toMatchObject({ status: 403, code: 'url_blocked' });
  });

  it('is invisible to another key (404), like any session', async () => {
    const other = t.clientWith((await t.server.keys.create('someone else')).key);
    await expect(other.sessions.get(demo.sessionId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.sessions.getMessages(demo.sessionId)).rejects.toBeInstanceOf(NotFoundError);
    expect((await other.sessions.list()).map((s) => s.sessionId)).not.toContain(demo.sessionId);
  });

  it('takes no options and a key like every route', async () => {
    const withField = await t.request('POST', '/v1/demo/sessions', { body: { model: 'openai:gpt-4o' } });
    expect(withField.status).toBe(422);
    expect(withField.body.detail).toEqual([expect.objectContaining({ loc: ['body'], type: 'unrecognized_keys' })]);
    expect((await t.request('POST', '/v1/demo/sessions', { key: null })).status).toBe(401);
  });
});

describe('a demo session counts like any session', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ model: undefined, egressAllow: '', maxSessions: 1, rateLimitPerMinute: 6 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('against the limit of concurrent sessions and the key\'s rate limit', async () => {
    const ordinary = await t.client.sessions.create('agi-0');
    await expect(t.client.demo.start()).rejects.toMatchObject({ status: 429, code: 'session_limit' });
    await t.client.sessions.delete(ordinary.sessionId);
    const demo = await t.client.demo.start();
    await expect(t.client.sessions.create('agi-0')).rejects.toMatchObject({ status: 429, code: 'session_limit' });
    await t.client.sessions.delete(demo.sessionId);
    // The seventh request of the minute: a demo is charged to the key like any other.
    const limited = t.client.demo.start();
    await expect(limited).rejects.toBeInstanceOf(RateLimitError);
    await expect(limited).rejects.toMatchObject({ code: 'rate_limited' });
  });
});

// A permissive operator (loopback allowed, as on a developer's machine) and a restart: the demo
// site comes back on a new port, and the demo session follows it there and goes nowhere else.
describe('a demo session after a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'steward-demo-restart-'));
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reaches the demo site on its new port, and neither its old port nor the API', async () => {
    const config = { model: undefined, egressAllow: '127.0.0.0/8', dataDir };
    const first = await startTestServer(config);
    const startUrl = async (t: TestServer, key: string, sessionId: string): Promise<string> =>
      String((await t.clientWith(key).sessions.getMessages(sessionId)).messages.find((m) => m.type === 'USER')?.metadata['start_url']);
    let demo: Session;
    let oldSite: string;
    try {
      demo = await first.client.demo.start();
      await first.waitForStatus(demo.sessionId, ['finished', 'error'], { timeoutMs: 30_000 });
      oldSite = new URL(await startUrl(first, first.key, demo.sessionId)).origin;
    } finally {
      await first.close();
    }
    const second = await startTestServer(config);
    try {
      const owner = second.clientWith(first.key);
      expect(await owner.sessions.get(demo.sessionId)).toMatchObject({ demo: true, status: 'ready' });
      const fresh = await owner.demo.start();
      const site = new URL(await startUrl(second, first.key, fresh.sessionId)).origin;
      expect(site).not.toBe(oldSite);
      expect(await owner.sessions.navigate(demo.sessionId, `${site}/search.html`)).toEqual({ currentUrl: `${site}/search.html` });
      for (const url of [`${oldSite}/`, `${second.url}/healthz`]) {
        await expect(owner.sessions.navigate(demo.sessionId, url), url).rejects.toMatchObject({ status: 403, code: 'url_blocked' });
      }
    } finally {
      await second.close();
    }
  });
});
