import { join } from 'node:path';
import { NotFoundError, ValidationError, type CreatePaymentTokenParams, type CreateSessionOptions, type Message, type PaymentToken } from '@steward/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../support/test-server.ts';
import { LoopbackReceiver } from '../webhooks/loopback-receiver.ts';

// Issue 9, parts 2 and 3, end to end: the scripted model buys a mug on the fixture shop with a
// payment token; the shop's server counts the orders.
const CHECKOUT_POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/checkout-policy.mjs')}`;
const nextYear = new Date().getUTCFullYear() + 2;

let site: FixtureServer;
let t: TestServer;
let receiver: LoopbackReceiver;
beforeAll(async () => {
  site = await startFixtureServer();
  receiver = await LoopbackReceiver.start();
  t = await startTestServer({ model: CHECKOUT_POLICY });
});
afterAll(async () => {
  await t?.close();
  await receiver?.close();
  await site?.close();
});
beforeEach(() => site.reset());

async function token(overrides: Partial<CreatePaymentTokenParams> = {}): Promise<PaymentToken> {
  return t.client.paymentTokens.create({
    card: { number: '4000 0566 5566 5556', expMonth: 12, expYear: nextYear, cvc: '737', name: 'Ada Lovelace' },
    maxAmount: 20,
    merchantDomains: ['127.0.0.1'],
    ...overrides,
  });
}

async function session(approvalPolicy?: CreateSessionOptions['approvalPolicy']): Promise<string> {
  return (await t.client.sessions.create('agi-0', { webhookUrl: receiver.url(), ...(approvalPolicy === undefined ? {} : { approvalPolicy }) })).sessionId;
}

async function checkout(id: string, tokenId: string, amount = '12.50'): Promise<void> {
  await t.client.sessions.sendMessage(id, `checkout ${site.url} ${tokenId} ${amount}`, { configUpdates: { payment_token: tokenId } });
}

/** Every message, internal ones (the steps) included. */
async function messages(id: string): Promise<Message[]> {
  return (await t.client.sessions.getMessages(id, 0, false)).messages;
}

/** The DONE of the latest task. */
const done = async (id: string): Promise<Message | undefined> => (await messages(id)).filter((m) => m.type === 'DONE').at(-1);

const tokenStatus = async (tokenId: string): Promise<string> => (await t.client.paymentTokens.get(tokenId)).status;
const approvals = (id: string) => t.client.approvals.list(id);

describe('payments_only (the default)', () => {
  it('places no order before the approval, exactly one after "approve", and spends the token', async () => {
    const ptok = await token();
    const id = await session();
    await checkout(id, ptok.id);
    expect(await t.waitForStatus(id, ['waiting_for_input', 'finished', 'error'])).toBe('waiting_for_input');

    // The card is in the form, the order button was clicked by nobody: the shop has no order.
    expect(site.state.shop.orders).toHaveLength(0);
    expect(site.state.requests.filter((r) => r.startsWith('POST /shop/checkout'))).toEqual([]);
    expect(await tokenStatus(ptok.id)).toBe('reserved');
    const question = (await messages(id)).filter((m) => m.type === 'QUESTION').at(-1)!;
    expect(question.metadata).toMatchObject({
      kind: 'approval',
      action: { kind: 'payment', tool: 'click', element: { role: 'button', name: 'Place order' }, site: site.url, path: '/shop/checkout/card' },
      site: site.url,
      amount: 12.5,
      currency: 'USD',
      payment_token: ptok.id,
      choices: ['approve', 'deny'],
    });
    expect(question.content).toContain('12.50 USD');
    expect(question.content).toContain('•••• 5556');
    // The task.question webhook says what the approval is for, as the QUESTION does.
    const deadline = Date.now() + 10_000;
    const hooked = (): Record<string, any> | undefined => receiver.bodies().find((b) => b['event'] === 'task.question' && (b['session'] as Record<string, unknown>)?.['id'] === id) as Record<string, any> | undefined;
    while (hooked() === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(hooked()).toMatchObject({ question: question.content, context: { kind: 'approval', approval_id: question.metadata['approval_id'], digest: question.metadata['digest'], amount: 12.5, action: { kind: 'payment' } } });
    expect(await approvals(id)).toEqual([expect.objectContaining({ messageId: question.id, decision: 'pending', answer: null, digest: question.metadata['digest'] })]);

    await t.client.sessions.sendMessage(id, 'approve');
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect((await done(id))?.content).toMatch(/^Ordered: Order number: A1001/);
    expect(site.state.shop.orders).toHaveLength(1);
    expect(site.state.shop.orders[0]).toMatchObject({ cardLast4: '5556', totalCents: 1250 });
    // The shop's server got the card itself: the fill went into the real form.
    expect(site.state.requests.filter((r) => r === 'POST /shop/checkout/card')).toHaveLength(1);

    expect(await t.client.paymentTokens.get(ptok.id)).toMatchObject({ status: 'spent', spentAt: expect.any(String) });
    const [approval] = await approvals(id);
    expect(approval).toMatchObject({ decision: 'approved', answer: 'approve', executed: true, amount: 12.5, currency: 'USD', paymentToken: ptok.id, answeredAt: expect.any(String) });
    expect(approval!.digest).toMatch(/^[0-9a-f]{64}$/);

    // A second use of the spent token is refused with a clear tool result, and nothing is ordered.
    await checkout(id, ptok.id);
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect((await done(id))?.content).toBe(`Stopped: Refused (payment_token): Payment token ${ptok.id} is spent: it paid once and cannot be used again.`);
    expect(site.state.shop.orders).toHaveLength(1);
  });

  it('on "deny" submits nothing, clears the card fields and releases the token for a later payment', async () => {
    const ptok = await token();
    const id = await session();
    await checkout(id, ptok.id);
    expect(await t.waitForStatus(id, ['waiting_for_input', 'finished', 'error'])).toBe('waiting_for_input');
    await t.client.sessions.sendMessage(id, 'no, not now');
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect((await done(id))?.content).toContain('Stopped: The user did not approve this action (answer: "no, not now"); nothing was done. The card fields were cleared and the payment token released.');
    expect(site.state.shop.orders).toHaveLength(0);
    expect(site.state.requests.filter((r) => r.startsWith('POST /shop/checkout'))).toEqual([]);
    expect(await tokenStatus(ptok.id)).toBe('active');
    const steps = (await messages(id)).filter((m) => m.metadata['kind'] === 'step');
    expect(steps.some((m) => (m.metadata['action'] as { tool?: string } | undefined)?.tool === 'click' && m.metadata['ok'] === false)).toBe(true);
    expect(await approvals(id)).toEqual([expect.objectContaining({ decision: 'denied', answer: 'no, not now', executed: null })]);

    // The released token pays once approved in the next task.
    await checkout(id, ptok.id);
    expect(await t.waitForStatus(id, ['waiting_for_input'])).toBe('waiting_for_input');
    await t.client.sessions.sendMessage(id, 'Approve');
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect(site.state.shop.orders).toHaveLength(1);
    expect((await approvals(id)).map((a) => a.decision)).toEqual(['denied', 'approved']);
  });

  it('refuses a fill beyond the token’s limit or off its merchant domains, and a token of another key', async () => {
    const small = await token({ maxAmount: 5 });
    const id = await session();
    await checkout(id, small.id);
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect((await done(id))?.content).toBe(`Stopped: Refused (payment_token): 12.50 USD is more than payment token ${small.id} may pay (at most 5.00 USD).`);

    const elsewhere = await token({ merchantDomains: ['shop.example'] });
    await checkout(id, elsewhere.id);
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect((await done(id))?.content).toBe(`Stopped: Refused (payment_token): Payment token ${elsewhere.id} may be used only on shop.example, not on ${site.url}.`);
    expect(site.state.shop.orders).toHaveLength(0);
    for (const ptok of [small, elsewhere]) expect(await tokenStatus(ptok.id)).toBe('active');

    const other = (await t.server.keys.create('other')).key;
    const foreign = t.clientWith(other).sessions.sendMessage(id, 'x', { configUpdates: { payment_token: small.id } });
    await expect(foreign).rejects.toBeInstanceOf(NotFoundError);
    await expect(foreign).rejects.toMatchObject({ status: 404 });
    const unknown = t.client.sessions.sendMessage(id, 'x', { configUpdates: { payment_token: 'ptok_nope' } });
    await expect(unknown).rejects.toBeInstanceOf(ValidationError);
    await expect(unknown).rejects.toMatchObject({ status: 422, issues: [expect.objectContaining({ msg: 'config_updates.payment_token: no payment token with this id' })] });
  });
});

describe('approval_policy never', () => {
  it('asks nothing, places the order, and the token still pays only once', async () => {
    const ptok = await token();
    const id = await session('never');
    await checkout(id, ptok.id);
    expect(await t.waitForStatus(id, ['finished', 'error', 'waiting_for_input'])).toBe('finished');
    expect((await messages(id)).some((m) => m.type === 'QUESTION')).toBe(false);
    expect(site.state.shop.orders).toHaveLength(1);
    expect(await tokenStatus(ptok.id)).toBe('spent');
    expect(await approvals(id)).toEqual([]);
    await checkout(id, ptok.id);
    expect(await t.waitForStatus(id, ['finished', 'error'])).toBe('finished');
    expect((await done(id))?.content).toContain('is spent');
    expect(site.state.shop.orders).toHaveLength(1);
  });
});
