import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/server.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../packages/server/test/support/test-server.ts';
import { Steward } from '@steward/client';
import { checkout } from './checkout.ts';
import { ADA, fillForm } from './form-filler.ts';
import { trackPrice } from './price-tracker.ts';
import { researchReport } from './research-report.ts';

// Each example's main function, run against the real server with the example's own script policy
// (examples/policies/) on the fixture sites, as examples/README.md runs it by hand.

let site: FixtureServer;
beforeAll(async () => {
  site = await startFixtureServer();
});
afterAll(async () => {
  await site?.close();
});

/** A server playing the model with examples/policies/<name>.mjs, and an SDK client for it. */
function withPolicy(name: string): { client: () => Steward } {
  let t: TestServer | undefined;
  let client: Steward | undefined;
  beforeAll(async () => {
    t = await startTestServer({ model: `script:${join(REPO_ROOT, 'examples/policies', `${name}.mjs`)}` });
    client = new Steward({ apiKey: t.key, baseUrl: t.url });
  });
  afterAll(async () => {
    await t?.close();
  });
  return { client: () => client! };
}

function lines(): { log: (line: string) => void; printed: string[] } {
  const printed: string[] = [];
  return { log: (line) => printed.push(line), printed };
}

describe('price-tracker', () => {
  const server = withPolicy('price-tracker');
  it('reads the Blue Mug price on the shop and compares it with the threshold', async () => {
    const out = lines();
    const check = await trackPrice(server.client(), { shopUrl: `${site.url}/shop/`, product: 'Blue Mug', threshold: 15, ...out });
    expect(check).toEqual({ product: 'Blue Mug', price: 12.5, currency: 'USD', inStock: true, belowThreshold: true });
    expect(out.printed).toEqual(['Blue Mug: 12.50 USD, in stock', 'At or below 15.00: time to buy.']);
    const cheaper = await trackPrice(server.client(), { shopUrl: `${site.url}/shop/`, product: 'White Mug', threshold: 15, log: () => {} });
    expect(cheaper).toMatchObject({ price: 9.9, inStock: false, belowThreshold: false });
  }, 60_000);
});

describe('form-filler', () => {
  const server = withPolicy('form-filler');
  it('registers from the JSON object, the password typed by reference', async () => {
    const out = lines();
    const password = 'correct-horse-4711';
    const registration = await fillForm(server.client(), { formUrl: `${site.url}/form/`, person: ADA, password, ...out });
    expect(registration).toEqual({ registered: true, confirmation: 'Thank you, Ada Lovelace' });
    expect(out.printed).toEqual(['Registered: Thank you, Ada Lovelace']);
    // The fixture form keeps no password; what the example returns and prints never holds it.
    expect(JSON.stringify(registration)).not.toContain(password);
    expect(site.state.submissions).toEqual([{ name: 'Ada Lovelace', email: 'ada@example.com', country: 'fr', termsAccepted: true, accepted: true, errors: [] }]);
  }, 60_000);
});

describe('research-report', () => {
  const server = withPolicy('research-report');
  it('reports the Northern Highlands lakes from their pages, with the deepest', async () => {
    const out = lines();
    const report = await researchReport(server.client(), { searchUrl: `${site.url}/search/`, region: 'Northern Highlands', ...out });
    expect(report.topic).toBe('Northern Highlands');
    expect(report.lakes).toEqual([
      { name: 'Lake Varn', maxDepthM: 212, elevationM: 610, source: `${site.url}/search/doc/lake-varn` },
      { name: 'Lake Brill', maxDepthM: 96, elevationM: 820, source: `${site.url}/search/doc/lake-brill` },
      { name: 'Lake Kestle', maxDepthM: 164, elevationM: 735, source: `${site.url}/search/doc/lake-kestle` },
      { name: 'Lake Pell', maxDepthM: 131, elevationM: 905, source: `${site.url}/search/doc/lake-pell` },
    ]);
    expect(report.deepest).toBe('Lake Varn');
    expect(out.printed.at(-1)).toBe('Deepest: Lake Varn');
  }, 60_000);
});

describe('checkout', () => {
  const server = withPolicy('checkout');
  it('places one order with the token after the approval, and shows the token spent and the approval record', async () => {
    const out = lines();
    const { order, asked, approvals, token } = await checkout(server.client(), { shopUrl: `${site.url}/shop/`, product: 'Blue Mug', maxAmount: 20, ...out });
    expect(order).toEqual({ orderNumber: 'A1001', total: 12.5 });
    expect(site.state.shop.orders).toHaveLength(1);
    expect(site.state.shop.orders[0]).toMatchObject({ name: 'Ada Lovelace', delivery: 'pickup', totalCents: 1250, cardLast4: '4242' });

    expect(asked).toHaveLength(1);
    const digest = asked[0]?.metadata['digest'];
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(approvals).toEqual([
      expect.objectContaining({ decision: 'approved', executed: true, amount: 12.5, currency: 'USD', paymentToken: token.id, digest, messageId: asked[0]?.id }),
    ]);
    expect(token).toMatchObject({ status: 'spent', last4: '4242', spentAt: expect.any(String) });
    expect(out.printed).toContain('  answered: approve');
    expect(out.printed.some((line) => line.includes(`digest ${String(digest)}`))).toBe(true);
    expect(out.printed.at(-1)).toMatch(new RegExp(`^Token ${token.id} is spent`));
  }, 60_000);
});
