import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInjectApp, type InjectApp } from '../support/inject-app.ts';

let t: InjectApp;
beforeEach(async () => {
  t = await buildInjectApp();
});
afterEach(async () => {
  await t.close();
});

const NUMBER = '4111 1111 1111 1111';
const DIGITS = NUMBER.replace(/ /g, '');
const CVC = '737';
const nextYear = new Date().getUTCFullYear() + 1;
const card = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({ number: NUMBER, exp_month: 7, exp_year: nextYear, cvc: CVC, name: 'Ada Lovelace', ...overrides });

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, key = t.key): Promise<{ status: number; body: any; text: string }> {
  const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
  return { status: res.statusCode, body: res.body === '' ? undefined : res.json(), text: res.body };
}

/** Runs of 4 or more digits of the card number other than its last four, anywhere in `text`. */
function cardDigitRuns(text: string, digits = DIGITS): string[] {
  const found: string[] = [];
  for (const run of text.match(/\d{4,}/g) ?? []) {
    for (let i = 0; i + 4 <= digits.length - 4; i++) if (run.includes(digits.slice(i, i + 4)) && run !== digits.slice(-4)) found.push(run);
  }
  return found;
}

describe('POST /v1/payment_tokens', () => {
  it('answers 201 with the token, naming the card by last4 and brand only', async () => {
    const res = await call('POST', '/v1/payment_tokens', {
      card: card(),
      billing_address: { line1: '1 Analytical Way', city: 'London', postal_code: 'N1 9GU', country: 'GB' },
      max_amount: 49.99,
      currency: 'eur',
      merchant_domains: ['Shop.Example.', '*.pay.example'],
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^ptok_[A-Za-z0-9_-]{24}$/),
      last4: '1111',
      brand: 'visa',
      max_amount: 49.99,
      currency: 'EUR',
      merchant_domains: ['shop.example', 'pay.example'],
      expires_at: expect.any(String),
      status: 'active',
      created_at: expect.any(String),
      spent_at: null,
    });
    expect(cardDigitRuns(res.text)).toEqual([]);
    expect(res.text).not.toContain(CVC);
    expect(res.text).not.toContain('Ada');
  });

  it('refuses a number that fails the Luhn check, and no 422 body quotes any card value', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ card: card({ number: '4111 1111 1111 1112' }) }, 'Luhn'],
      [{ card: card({ number: '4111' }) }, '12 to 19 digits'],
      [{ card: card({ cvc: '73' }) }, '3 or 4 digits'],
      [{ card: card({ exp_month: 13 }) }, 'exp_month'],
      [{ card: card({ exp_year: 2001, exp_month: 1 }) }, 'expired'],
      [{ card: card(), max_amount: 10.001 }, 'two decimals'],
      [{ card: card(), max_amount: -5 }, 'max_amount'],
      [{ card: card(), currency: 'dollars' }, 'ISO 4217'],
      [{ card: card(), merchant_domains: ['not a domain/'] }, 'merchant_domains'],
      [{ card: card(), expires_at: new Date(Date.now() - 1000).toISOString() }, 'future'],
      [{ card: card(), expires_at: 'tomorrow' }, 'expires_at'],
    ];
    for (const [body, problem] of cases) {
      const res = await call('POST', '/v1/payment_tokens', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error).toBe('validation_error');
      expect(res.text, JSON.stringify(body)).toContain(problem);
      expect(cardDigitRuns(res.text, '4111111111111112'), res.text).toEqual([]);
      expect(cardDigitRuns(res.text), res.text).toEqual([]);
      expect(res.text).not.toContain(CVC);
    }
    expect((await call('GET', '/v1/payment_tokens')).body.payment_tokens).toEqual([]);
  });

  it('tells the brand of other networks', async () => {
    const brands: Record<string, string> = { '5555555555554444': 'mastercard', '2223003122003222': 'mastercard', '378282246310005': 'amex', '6011111111111117': 'discover', '3566002020360505': 'jcb' };
    for (const [number, brand] of Object.entries(brands)) {
      const res = await call('POST', '/v1/payment_tokens', { card: card({ number, cvc: '1234' }) });
      expect(res.status, number).toBe(201);
      expect([res.body.brand, res.body.last4]).toEqual([brand, number.slice(-4)]);
    }
  });
});

describe('the payment token routes', () => {
  it('list, get and revoke the key’s own tokens; another key sees none of them', async () => {
    const first = (await call('POST', '/v1/payment_tokens', { card: card() })).body;
    const second = (await call('POST', '/v1/payment_tokens', { card: card({ number: '5555 5555 5555 4444' }) })).body;
    expect(first.max_amount).toBeNull();
    expect(first.merchant_domains).toEqual([]);
    expect(first.expires_at).toBeNull();

    const list = await call('GET', '/v1/payment_tokens');
    expect(list.body.payment_tokens.map((p: { id: string }) => p.id)).toEqual([second.id, first.id]);
    expect((await call('GET', `/v1/payment_tokens/${first.id}`)).body).toEqual(first);

    const other = (await t.keys.create('other')).key;
    expect((await call('GET', '/v1/payment_tokens', undefined, other)).body).toEqual({ payment_tokens: [] });
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await call(method, `/v1/payment_tokens/${first.id}`, undefined, other);
      expect(res.status, method).toBe(404);
      expect(res.body.error).toBe('not_found');
    }
    expect((await call('GET', '/v1/payment_tokens/ptok_nope')).status).toBe(404);

    const revoked = await call('DELETE', `/v1/payment_tokens/${first.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    // Revoked, its card is gone from the store too; revoking again answers the same.
    expect(await t.store.openPaymentCard(first.id)).toBeUndefined();
    expect((await call('DELETE', `/v1/payment_tokens/${first.id}`)).body.status).toBe('revoked');
    expect((await call('GET', `/v1/payment_tokens/${second.id}`)).body.status).toBe('active');
  });

  it('shows a token past its expires_at as expired', async () => {
    // The server's clock, moved by hand: no sleeping, and a loaded machine cannot make it flaky.
    let now = Date.now();
    const timed = await buildInjectApp({}, undefined, { now: () => new Date(now) });
    try {
      const post = await timed.app.inject({ method: 'POST', url: '/v1/payment_tokens', headers: { authorization: `Bearer ${timed.key}` }, payload: { card: card(), expires_at: new Date(now + 60_000).toISOString() } });
      expect(post.json().status).toBe('active');
      now += 61_000;
      const got = await timed.app.inject({ method: 'GET', url: `/v1/payment_tokens/${post.json().id}`, headers: { authorization: `Bearer ${timed.key}` } });
      expect(got.json().status).toBe('expired');
    } finally {
      await timed.close();
    }
  });

  it('answers 401 without a key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/payment_tokens' });
    expect(res.statusCode).toBe(401);
  });
});

describe('OpenAPI', () => {
  it('describes the payment token and approval routes, and approval_policy on create', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/v1/openapi.json' })).json();
    expect(Object.keys(doc.paths['/v1/payment_tokens'])).toEqual(['post', 'get']);
    expect(Object.keys(doc.paths['/v1/payment_tokens/{token_id}'])).toEqual(['get', 'delete']);
    expect(Object.keys(doc.paths['/v1/sessions/{session_id}/approvals'])).toEqual(['get']);
    const create = doc.paths['/v1/payment_tokens'].post;
    expect(Object.keys(create.responses)).toContain('201');
    expect(create.requestBody.content['application/json'].schema.properties.card.required).toEqual(expect.arrayContaining(['number', 'exp_month', 'exp_year', 'cvc', 'name']));
    const session = doc.paths['/v1/sessions'].post.requestBody.content['application/json'].schema;
    expect(session.properties.approval_policy.enum).toEqual(['always', 'payments_only', 'never']);
  });
});
