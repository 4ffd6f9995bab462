import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../fixtures/server.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { Steward, type Message } from '../src/index.ts';

// A payment through the SDK alone: a token, a session, a task that buys a mug on the fixture shop
// with it (packages/server/test/e2e/policies/checkout-policy.mjs), the approval answered through
// runTask's onQuestion, then the approval record and the spent token as the SDK reads them.
const CHECKOUT_POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/checkout-policy.mjs')}`;

let site: FixtureServer;
let t: TestServer;
let client: Steward;
beforeAll(async () => {
  site = await startFixtureServer();
  t = await startTestServer({ model: CHECKOUT_POLICY });
  client = new Steward({ apiKey: t.key, baseUrl: t.url });
});
afterAll(async () => {
  await t?.close();
  await site?.close();
});

describe('payment tokens and approvals', () => {
  it('pays once with a token after the approval onQuestion gives, and lists the approval', async () => {
    const token = await client.paymentTokens.create({
      card: { number: '4000 0566 5566 5556', expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '737', name: 'Ada Lovelace' },
      maxAmount: 20,
      merchantDomains: ['127.0.0.1'],
    });
    await using session = client.session('agi-0', { approvalPolicy: 'payments_only' });
    const asked: Message[] = [];
    const result = await session.runTask(`checkout ${site.url} ${token.id} 12.50`, {
      pollInterval: 50,
      timeout: 60_000,
      configUpdates: { payment_token: token.id },
      onQuestion: (question) => (asked.push(question), 'approve'),
    });
    expect(result.data.content).toMatch(/^Ordered: Order number: A1001/);
    expect(result.metadata.success).toBe(true);
    expect(site.state.shop.orders).toHaveLength(1);

    expect(asked).toHaveLength(1);
    expect(asked[0]?.metadata).toMatchObject({ kind: 'approval', payment_token: token.id, amount: 12.5 });
    const [approval, ...rest] = await client.approvals.list(session.sessionId!);
    expect(rest).toEqual([]);
    expect(approval).toMatchObject({
      messageId: asked[0]?.id,
      decision: 'approved',
      answer: 'approve',
      executed: true,
      amount: 12.5,
      currency: 'USD',
      paymentToken: token.id,
      action: { kind: 'payment', tool: 'click', element: { role: 'button', name: 'Place order' } },
    });
    expect(approval?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(approval?.answeredAt).toEqual(expect.any(String));
    expect(await client.paymentTokens.get(token.id)).toMatchObject({ status: 'spent', spentAt: expect.any(String) });
  });
});
