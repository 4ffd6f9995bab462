import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import type { PaymentToken } from '@steward/client';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { followEvents } from '../support/follow-events.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../support/test-server.ts';
import { LoopbackReceiver } from '../webhooks/loopback-receiver.ts';

// Issue 9's leak test: a checkout with a payment token, then every stored row, message (sanitize
// true and false), SSE event, webhook body, log line and API answer is searched for any run of 4
// or more of the card's digits other than its last four; the raw bytes of the data dir for the
// number. Screenshots have no OCR here: the one taken while the card sits in the form (during the
// approval) must be pixel for pixel the one taken with another card number.
// The test acts through the SDK; the leak surfaces that are HTTP answers (messages, sessions,
// approvals, tokens) are read off the wire with t.request, as any client would get them.
const CHECKOUT_POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/checkout-policy.mjs')}`;
const CARD_A = '4938 1726 5039 4824';
const CARD_B = '5381 7294 6305 7184';
const CVC = '862';
const HOLDER = 'Hypatia Quillfeather';
const nextYear = new Date().getUTCFullYear() + 3;

/** Every 4-digit window of the number but its last four digits. */
function windows(card: string): string[] {
  const digits = card.replace(/\D/g, '');
  return Array.from({ length: digits.length - 4 }, (_, i) => digits.slice(i, i + 4));
}

/**
 * Numbers the server makes up itself, which may hold any digits: instants, ids, digests,
 * ciphertexts, loopback ports. Taken out before the search, so a hit is card data, not chance.
 */
function withoutGeneratedNumbers(text: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<instant>')
    // Instants and counters by their keys (rows: created_at…, logs: time, pid, ms), also in JSON kept inside a string.
    .replace(/(\\?")([A-Za-z_]*(?:_at|At|_ms|Ms)|at|time|timestamp|pid|ms|responseTime|elapsed)\1:\s*[\d.]+/g, '$1$2$1:0')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    // Hex with a letter in it: digests, the page-data fence's per-task token. A card number has no letters.
    .replace(/\b(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/(?=[A-Za-z0-9+/_-]*[A-Za-z])[A-Za-z0-9+/_-]{20,}={0,2}/g, '<base64>')
    .replace(/stw_[0-9a-f]+/g, '<key prefix>')
    .replace(/127\.0\.0\.1:\d+/g, '<loopback>');
}

/** Digit runs of 4 or more in `text` that contain a window of the card. */
function cardRuns(text: string, card: string): string[] {
  const wanted = windows(card);
  return (withoutGeneratedNumbers(text).match(/\d{4,}/g) ?? []).filter((run) => wanted.some((w) => run.includes(w)));
}

/** Occurrences of each needle in the raw bytes of every file under `dir`. */
function rawHits(dir: string, needles: string[]): Record<string, number> {
  const hits: Record<string, number> = {};
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const bytes = readFileSync(path);
        for (const needle of needles) {
          const wanted = Buffer.from(needle);
          for (let at = bytes.indexOf(wanted); at >= 0; at = bytes.indexOf(wanted, at + 1)) hits[`${relative(dir, path)}: ${needle}`] = (hits[`${relative(dir, path)}: ${needle}`] ?? 0) + 1;
        }
      }
    }
  };
  walk(dir);
  return hits;
}

/** Every row of every table of the database, as JSON, sealed values left out (they are ciphertext). */
function everyRow(dataDir: string): string {
  const db = new BetterSqlite3(join(dataDir, 'steward.db'), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[];
    const rows = tables.flatMap((table) => (db.prepare(`select * from "${table}"`).all() as Record<string, unknown>[]).map((row) => ({ table, row })));
    return JSON.stringify(rows, (_key, value: unknown) => (typeof value === 'string' && value.startsWith('v1:') ? '<sealed>' : value));
  } finally {
    db.close();
  }
}

let site: FixtureServer;
let receiver: LoopbackReceiver;
let t: TestServer;
const logLines: string[] = [];

beforeAll(async () => {
  site = await startFixtureServer();
  receiver = await LoopbackReceiver.start();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  t = await startTestServer({ model: CHECKOUT_POLICY }, {}, { logger: pino({ level: 'trace' }, sink) });
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
  await site?.close();
});

async function createToken(number: string): Promise<PaymentToken> {
  const { data, response } = await t.client.paymentTokens
    .create({
      card: { number, expMonth: 9, expYear: nextYear, cvc: CVC, name: HOLDER },
      billingAddress: { line1: '1 Library Way', city: 'Alexandria', postalCode: 'AX 21', country: 'EG' },
      maxAmount: 25,
      merchantDomains: ['127.0.0.1'],
    })
    .withResponse();
  expect(response.status).toBe(201);
  return data;
}

/** Starts the checkout and waits for the approval question; answers the screenshot taken then. */
async function checkoutToApproval(sessionId: string, tokenId: string): Promise<Buffer> {
  await t.client.sessions.sendMessage(sessionId, `checkout ${site.url} ${tokenId} 12.50`, { configUpdates: { payment_token: tokenId } });
  expect(await t.waitForStatus(sessionId, ['waiting_for_input', 'finished', 'error'])).toBe('waiting_for_input');
  const shot = await t.client.sessions.screenshot(sessionId);
  return Buffer.from(shot.screenshot.split(',')[1]!, 'base64');
}

describe('a checkout with a payment token leaves no card digits anywhere', () => {
  it('finds none of them in rows, messages, events, webhooks, logs, answers or files, and the token pays once', async () => {
    const tokenA = await createToken(CARD_A);
    const tokenB = await createToken(CARD_B);
    const created = await t.client.sessions.create('agi-0', { webhookUrl: receiver.url() });
    const id = created.sessionId;
    // The SDK's answers keep every value of the wire's (only top-level keys are renamed).
    const answers: unknown[] = [created, tokenA, tokenB];

    const shotA = await checkoutToApproval(id, tokenA.id);
    await t.client.sessions.sendMessage(id, 'approve');
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect(site.state.shop.orders.map((o) => o.cardLast4)).toEqual(['4824']);

    // A second use of the spent token is refused.
    await t.client.sessions.sendMessage(id, `checkout ${site.url} ${tokenA.id} 12.50`, { configUpdates: { payment_token: tokenA.id } });
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect(site.state.shop.orders).toHaveLength(1);

    // The same checkout with the other card, in another session, stopped at its approval.
    const other = (await t.client.sessions.create()).sessionId;
    const shotB = await checkoutToApproval(other, tokenB.id);
    expect(shotA.equals(shotB), 'the screenshot with the card in the form depends on the card number').toBe(true);
    await t.client.sessions.cancel(other);
    await t.waitForStatus(other, ['error']);
    // Abandoned by the cancel: the agent clears the card and gives the token back as it stops.
    const released = Date.now() + 5_000;
    while ((await t.client.paymentTokens.get(tokenB.id)).status !== 'active' && Date.now() < released) await new Promise((r) => setTimeout(r, 25));
    expect((await t.client.paymentTokens.get(tokenB.id)).status).toBe('active');

    const followed = followEvents(t.client, id, { sanitize: false });
    await followed.ended;
    expect(followed.error).toBeUndefined();
    const deadline = Date.now() + 10_000;
    while (receiver.requests.filter((r) => r.body.includes('task.completed')).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));

    // The wire itself from here: the leak surfaces are the answers as sent.
    const all = (await t.request('GET', `/v1/sessions/${id}/messages?sanitize=false`)).body.messages as Array<Record<string, any>>;
    const last = all.filter((m) => m.type === 'DONE').at(-1);
    expect(last?.content).toContain('is spent: it paid once and cannot be used again');
    for (const path of [`/v1/sessions/${id}`, `/v1/sessions/${id}/approvals`, `/v1/sessions/${other}/approvals`, '/v1/payment_tokens', `/v1/sessions/${other}/messages?sanitize=false`]) {
      answers.push((await t.request('GET', path)).body);
    }
    const surfaces: Record<string, string> = {
      'messages (sanitize=true)': JSON.stringify((await t.request('GET', `/v1/sessions/${id}/messages`)).body),
      'messages (sanitize=false)': JSON.stringify(all),
      'SSE events': JSON.stringify(followed.events),
      'webhook bodies': JSON.stringify(receiver.requests.map((r) => r.body)),
      'log lines': logLines.join(''),
      'API answers': JSON.stringify(answers),
      'stored rows': everyRow(t.dataDir),
    };
    // The surfaces are not empty: the prompts, the step with the fill, the QUESTION, the webhooks, the logs are there.
    expect(all.some((m) => m.metadata?.kind === 'prompt' && String(m.content).includes('•••• 4824'))).toBe(true);
    expect(all.some((m) => m.metadata?.kind === 'step' && m.metadata.action?.tool === 'fill_payment' && m.metadata.ok === true)).toBe(true);
    expect(all.some((m) => m.type === 'THOUGHT' && String(m.content).includes('The card field shows •••• 4824'))).toBe(true);
    expect(followed.events.length).toBeGreaterThan(10);
    expect(receiver.requests.length).toBeGreaterThan(4);
    expect(logLines.length).toBeGreaterThan(5);
    expect(surfaces['stored rows']).toContain('"table":"approvals"');

    for (const [surface, text] of Object.entries(surfaces)) {
      for (const card of [CARD_A, CARD_B]) expect(cardRuns(text, card), `${surface}, card ${card.slice(-4)}`).toEqual([]);
      expect(text.includes(HOLDER), `holder name in ${surface}`).toBe(false);
      expect(new RegExp(`\\b${CVC}\\b`).test(withoutGeneratedNumbers(text)), `security code in ${surface}`).toBe(false);
    }
    // The search can see a card: the fixture shop's server, which got the real card, would fail it.
    expect(cardRuns(JSON.stringify(site.state.requests) + CARD_A, CARD_A)).not.toEqual([]);

    // At rest: the number in no file of the data dir, whole, grouped or in 8-digit pieces.
    const digitsA = CARD_A.replace(/ /g, '');
    const digitsB = CARD_B.replace(/ /g, '');
    const needles = [CARD_A, CARD_B, digitsA, digitsB, digitsA.slice(0, 8), digitsA.slice(4, 12), digitsB.slice(0, 8), digitsB.slice(4, 12), HOLDER];
    expect(rawHits(t.dataDir, needles)).toEqual({});
    // Two checkouts, screenshots and a full search of every surface: 22 s on a quiet 2-core machine,
    // past the 30 s default when the machine is loaded. The bound is for hangs, not for speed.
  }, 90_000);
});
