import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.ts';
import type { ApprovalRecord, PaymentCardSecret, PaymentTokenRecord } from '../../src/domain/index.ts';
import { session } from './store-contract.ts';

const T0 = Date.parse('2025-01-02T03:04:05.678Z');
const at = (offsetMs: number): Date => new Date(T0 + offsetMs);

export const CARD: PaymentCardSecret = {
  number: '4242424242424242',
  expMonth: 12,
  expYear: 2031,
  cvc: '123',
  name: 'Ada Lovelace',
  billingAddress: { line1: '1 Analytical Way', city: 'London', postalCode: 'N1 9GU', country: 'GB' },
};

export function paymentToken(overrides: Partial<PaymentTokenRecord> = {}): PaymentTokenRecord {
  return {
    id: 'ptok_one',
    apiKeyId: 'key-1',
    last4: '4242',
    brand: 'visa',
    maxAmount: 49.99,
    currency: 'USD',
    merchantDomains: ['shop.example'],
    expiresAt: at(86_400_000),
    status: 'active',
    reservation: null,
    createdAt: at(0),
    spentAt: null,
    revokedAt: null,
    ...overrides,
  };
}

export function approval(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    id: 'appr-1',
    sessionId: 'session-1',
    messageId: 7,
    action: { kind: 'payment', tool: 'click', element: { role: 'button', name: 'Place order' }, site: 'http://shop.example', path: '/checkout' },
    amount: 12.5,
    currency: 'USD',
    paymentToken: 'ptok_one',
    digest: 'a'.repeat(64),
    question: 'Approve?',
    answer: null,
    decision: 'pending',
    executed: null,
    askedAt: at(10),
    answeredAt: null,
    ...overrides,
  };
}

/** What every `Store` adapter must do with payment tokens and approvals (see `PaymentStore`). */
export function runPaymentStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`PaymentStore contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('payment tokens', () => {
      it('returns not-found values for an unknown token', async () => {
        expect(await store.getPaymentToken('nope')).toBeUndefined();
        expect(await store.openPaymentCard('nope')).toBeUndefined();
        expect(await store.listPaymentTokens('key-1')).toEqual([]);
        expect(await store.updatePaymentToken('nope', ['active'], { status: 'revoked' })).toBeUndefined();
      });

      it('round-trips every field, and the card only through openPaymentCard', async () => {
        const token = paymentToken({ reservation: { sessionId: 's', amount: 12.34, currency: 'USD', at: at(5) }, status: 'reserved' });
        await store.insertPaymentToken(token, CARD);
        const got = await store.getPaymentToken(token.id);
        expect(got).toEqual(token);
        expect(JSON.stringify(got)).not.toContain(CARD.number);
        expect(JSON.stringify(await store.listPaymentTokens('key-1'))).not.toContain(CARD.number);
        expect(await store.openPaymentCard(token.id)).toEqual(CARD);
      });

      it('keeps amounts exact to the cent and nulls as nulls', async () => {
        await store.insertPaymentToken(paymentToken({ id: 'ptok_a', maxAmount: 0.29 }), CARD);
        await store.insertPaymentToken(paymentToken({ id: 'ptok_b', maxAmount: null, expiresAt: null, merchantDomains: [] }), CARD);
        expect((await store.getPaymentToken('ptok_a'))?.maxAmount).toBe(0.29);
        const b = await store.getPaymentToken('ptok_b');
        expect([b?.maxAmount, b?.expiresAt, b?.merchantDomains]).toEqual([null, null, []]);
      });

      it('rejects a second token with the same id', async () => {
        await store.insertPaymentToken(paymentToken(), CARD);
        await expect(store.insertPaymentToken(paymentToken(), CARD)).rejects.toThrow();
      });

      it('lists one key’s tokens newest first and no one else’s', async () => {
        await store.insertPaymentToken(paymentToken({ id: 'ptok_old', createdAt: at(1) }), CARD);
        await store.insertPaymentToken(paymentToken({ id: 'ptok_new', createdAt: at(2) }), CARD);
        await store.insertPaymentToken(paymentToken({ id: 'ptok_other', apiKeyId: 'key-2', createdAt: at(3) }), CARD);
        expect((await store.listPaymentTokens('key-1')).map((t) => t.id)).toEqual(['ptok_new', 'ptok_old']);
      });

      it('updates only from the expected statuses', async () => {
        await store.insertPaymentToken(paymentToken(), CARD);
        const reservation = { sessionId: 'session-1', amount: 12.5, currency: 'USD', at: at(20) };
        const reserved = await store.updatePaymentToken('ptok_one', ['active'], { status: 'reserved', reservation });
        expect(reserved?.status).toBe('reserved');
        expect(reserved?.reservation).toEqual(reservation);
        // A second reservation from `active` loses: the token is no longer active.
        expect(await store.updatePaymentToken('ptok_one', ['active'], { status: 'reserved', reservation: { ...reservation, sessionId: 'other' } })).toBeUndefined();
        expect((await store.getPaymentToken('ptok_one'))?.reservation?.sessionId).toBe('session-1');
        const released = await store.updatePaymentToken('ptok_one', ['reserved'], { status: 'active', reservation: null });
        expect(released?.reservation).toBeNull();
        // An empty patch reads, under the same condition.
        expect((await store.updatePaymentToken('ptok_one', ['active'], {}))?.status).toBe('active');
        expect(await store.updatePaymentToken('ptok_one', ['spent'], {})).toBeUndefined();
      });

      it('lets exactly one of concurrent reservations win', async () => {
        await store.insertPaymentToken(paymentToken(), CARD);
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.updatePaymentToken('ptok_one', ['active'], { status: 'reserved', reservation: { sessionId: `s-${i}`, amount: 1, currency: 'USD', at: at(i) } }),
          ),
        );
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      });

      it('lists the reserved tokens of every key, oldest first', async () => {
        const reservation = { sessionId: 's', amount: 1, currency: 'USD', at: at(1) };
        await store.insertPaymentToken(paymentToken({ id: 'ptok_b', status: 'reserved', reservation, createdAt: at(2) }), CARD);
        await store.insertPaymentToken(paymentToken({ id: 'ptok_a', apiKeyId: 'key-2', status: 'reserved', reservation, createdAt: at(1) }), CARD);
        await store.insertPaymentToken(paymentToken({ id: 'ptok_c', status: 'active' }), CARD);
        expect((await store.listReservedPaymentTokens()).map((t) => t.id)).toEqual(['ptok_a', 'ptok_b']);
      });

      it('drops the card for good when asked', async () => {
        await store.insertPaymentToken(paymentToken(), CARD);
        const spent = await store.updatePaymentToken('ptok_one', ['active', 'reserved'], { status: 'spent', spentAt: at(30), reservation: null, dropCard: true });
        expect(spent?.spentAt).toEqual(at(30));
        expect(await store.openPaymentCard('ptok_one')).toBeUndefined();
        expect((await store.getPaymentToken('ptok_one'))?.status).toBe('spent');
      });
    });

    describe('approvals', () => {
      beforeEach(async () => {
        await store.insertSession(session());
        await store.insertSession(session({ id: 'session-2' }));
      });

      it('round-trips every field and lists a session’s approvals oldest first', async () => {
        const first = approval();
        const second = approval({ id: 'appr-2', askedAt: at(20), amount: null, currency: null, paymentToken: null, action: { ...approval().action, kind: 'send_message', element: null } });
        await store.insertApproval(second);
        await store.insertApproval(first);
        await store.insertApproval(approval({ id: 'appr-3', sessionId: 'session-2' }));
        expect(await store.listApprovals('session-1')).toEqual([first, second]);
        expect(await store.listApprovals('nope')).toEqual([]);
      });

      it('applies an answer, and answers undefined for an unknown approval', async () => {
        await store.insertApproval(approval());
        const answered = await store.updateApproval('appr-1', { answer: 'approve', decision: 'approved', answeredAt: at(40), executed: true });
        expect(answered).toEqual(approval({ answer: 'approve', decision: 'approved', answeredAt: at(40), executed: true }));
        expect(await store.updateApproval('appr-1', {})).toEqual(answered);
        expect(await store.updateApproval('nope', { decision: 'denied' })).toBeUndefined();
      });

      it('refuses an approval of an unknown session and goes with its session', async () => {
        await expect(store.insertApproval(approval({ sessionId: 'nope' }))).rejects.toThrow();
        await store.insertApproval(approval());
        await store.insertApproval(approval({ id: 'appr-2', sessionId: 'session-2' }));
        await store.deleteSession('session-1');
        expect(await store.listApprovals('session-1')).toEqual([]);
        expect(await store.listApprovals('session-2')).toHaveLength(1);
      });
    });
  });
}
