import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  actionDigest,
  approvalFor,
  approvalRule,
  canonicalJson,
  classifyAction,
  paymentTokenRule,
  reviewAction,
  type ActionPolicy,
  type ClassifiedAction,
  type GateContext,
  type PaymentTokenFacts,
  type PlannedAction,
} from '../../src/safety/index.ts';

const URL_ = 'https://shop.example/checkout?step=2';

function planned(tool: string, args: Record<string, unknown> = {}, target?: PlannedAction['target'], paymentFilled = false): PlannedAction {
  return { tool, args, ...(target === undefined ? {} : { target }), url: URL_, paymentFilled };
}
const button = (name: string, payment?: 'submit'): PlannedAction['target'] => ({ role: 'button', name, tag: 'button', ...(payment ? { payment } : {}) });
const classified = (action: PlannedAction): ClassifiedAction => ({ ...action, actionClass: classifyAction(action) });

const token = (overrides: Partial<PaymentTokenFacts> = {}): PaymentTokenFacts => ({
  id: 'ptok_abc',
  last4: '4242',
  brand: 'visa',
  status: 'active',
  maxAmount: 50,
  currency: 'USD',
  merchantDomains: ['shop.example'],
  reservedHere: false,
  ...overrides,
});
const reserved = token({ status: 'reserved', reservedHere: true, reservedFor: { amount: 12.5, currency: 'USD' } });
const context = (overrides: Partial<GateContext> = {}): GateContext => ({ approvalPolicy: 'payments_only', payment: undefined, ...overrides });

describe('classifyAction', () => {
  it('recognises purchases, messages, account deletion and uploads by name and tool', () => {
    const cases: Array<[PlannedAction, string | undefined]> = [
      [planned('click', { index: 1 }, button('Place order')), 'payment'],
      [planned('click', { index: 1 }, button('Pay $12.50')), 'payment'],
      [planned('click', { index: 1 }, button('Buy now')), 'payment'],
      [planned('click', { index: 1 }, { role: 'link', name: 'Complete purchase', tag: 'a' }), 'payment'],
      [planned('click', { index: 1 }, button('Send')), 'send_message'],
      [planned('click', { index: 1 }, button('Send message')), 'send_message'],
      [planned('click', { index: 1 }, button('Delete my account')), 'delete_account'],
      [planned('upload_file', { index: 3, files: ['cv.pdf'] }), 'upload_file'],
      [planned('click', { index: 1 }, button('Proceed to checkout')), undefined],
      [planned('click', { index: 1 }, button('Add to cart')), undefined],
      [planned('click', { index: 1 }, { role: 'link', name: 'PayPal help', tag: 'a' }), undefined],
      [planned('click', { index: 1 }, button('Pay')), 'payment'],
      [planned('click', { index: 1 }, button('Pay now')), 'payment'],
      // Choosing a way to pay pays nothing.
      [planned('click', { index: 1 }, { role: 'link', name: 'Pay by card instead', tag: 'a' }), undefined],
      [planned('click', { index: 1 }, button('Pay with PayPal')), undefined],
      [planned('click', { index: 1 }, { role: 'textbox', name: 'Place order note', tag: 'div' }), undefined],
      [planned('type', { index: 1, text: 'Place order' }, { role: 'textbox', name: 'Note', tag: 'input' }), undefined],
      [planned('scroll', {}), undefined],
    ];
    for (const [action, expected] of cases) expect(classifyAction(action), JSON.stringify(action)).toBe(expected);
  });

  it('treats what submits a filled card as a payment, whatever it is called', () => {
    expect(classifyAction(planned('click', { index: 9 }, button('Continue', 'submit'), true))).toBe('payment');
    expect(classifyAction(planned('press', { key: 'Enter' }, undefined, true))).toBe('payment');
    expect(classifyAction(planned('type', { index: 4, text: '1', submit: true }, { role: 'textbox', name: 'Coupon', tag: 'input' }, true))).toBe('payment');
    // Without a filled card, Enter and an unnamed Continue are ordinary.
    expect(classifyAction(planned('press', { key: 'Enter' }))).toBeUndefined();
    expect(classifyAction(planned('click', { index: 9 }, button('Continue')))).toBeUndefined();
    // A button that does not submit the card's form stays ordinary even with the card filled.
    expect(classifyAction(planned('click', { index: 9 }, button('Apply coupon'), true))).toBeUndefined();
  });
});

describe('approvalRule', () => {
  const purchase = classified(planned('click', { index: 1 }, button('Place order', 'submit'), true));
  const message = classified(planned('click', { index: 2 }, button('Send')));
  const plain = classified(planned('click', { index: 3 }, button('Next')));

  it('asks what the policy names: always everything classified, payments_only payments, never nothing', () => {
    const asked = (policy: GateContext['approvalPolicy'], action: ClassifiedAction): boolean => approvalRule.review(action, context({ approvalPolicy: policy, payment: reserved })).kind === 'ask';
    expect([asked('always', purchase), asked('always', message), asked('always', plain)]).toEqual([true, true, false]);
    expect([asked('payments_only', purchase), asked('payments_only', message), asked('payments_only', plain)]).toEqual([true, false, false]);
    expect([asked('never', purchase), asked('never', message), asked('never', plain)]).toEqual([false, false, false]);
  });

  it('names the amount, the currency and the card in the question, and the digest covers exactly them', () => {
    const details = approvalFor(purchase, 'payment', context({ payment: reserved }));
    expect(details).toMatchObject({
      action: { kind: 'payment', tool: 'click', element: { role: 'button', name: 'Place order' }, site: 'https://shop.example', path: '/checkout' },
      amount: 12.5,
      currency: 'USD',
      paymentToken: 'ptok_abc',
    });
    expect(details.question).toContain('12.50 USD');
    expect(details.question).toContain('visa •••• 4242');
    expect(details.question).toContain('"approve"');
    const expected = createHash('sha256')
      .update('{"amount":12.5,"currency":"USD","element":{"name":"Place order","role":"button"},"kind":"payment","origin":"https://shop.example","path":"/checkout","token":"ptok_abc","tool":"click","v":1}')
      .digest('hex');
    expect(details.digest).toBe(expected);
    // Any change to what is approved changes the digest.
    const variants = [
      approvalFor({ ...purchase, target: button('Place order now', 'submit') }, 'payment', context({ payment: reserved })),
      approvalFor({ ...purchase, url: 'https://shop.example/other' }, 'payment', context({ payment: reserved })),
      approvalFor(purchase, 'payment', context({ payment: { ...reserved, reservedFor: { amount: 13, currency: 'USD' } } })),
      approvalFor(purchase, 'payment', context({ payment: { ...reserved, id: 'ptok_other' } })),
    ];
    for (const variant of variants) expect(variant.digest).not.toBe(details.digest);
  });

  it('asks for a named purchase without a token too, with no amount', () => {
    const details = approvalFor(classified(planned('click', { index: 1 }, button('Buy now'))), 'payment', context());
    expect([details.amount, details.currency, details.paymentToken]).toEqual([null, null, null]);
    expect(details.digest).toBe(actionDigest({ action: details.action, amount: null, currency: null, paymentToken: null }));
  });
});

describe('paymentTokenRule', () => {
  const fill = (args: Record<string, unknown>, url = URL_): ClassifiedAction => classified({ ...planned('fill_payment', { token: 'ptok_abc', amount: 12.5, currency: 'usd', fields: {}, ...args }), url });
  const verdict = (action: ClassifiedAction, payment: PaymentTokenFacts | undefined) => paymentTokenRule.review(action, context({ payment }));

  it('lets the task’s own usable token fill, within its limit, on its merchant', () => {
    expect(verdict(fill({}), token())).toEqual({ kind: 'allow' });
    expect(verdict(fill({ amount: 50 }), token())).toEqual({ kind: 'allow' });
    expect(verdict(fill({}, 'https://pay.shop.example/card'), token())).toEqual({ kind: 'allow' });
    expect(verdict(fill({}), reserved)).toEqual({ kind: 'allow' });
    expect(verdict(fill({ amount: 9999 }), token({ maxAmount: null, merchantDomains: [] }))).toEqual({ kind: 'allow' });
  });

  it('refuses everything else with a reason the model can act on', () => {
    const reasons: Array<[ClassifiedAction, PaymentTokenFacts | undefined, string]> = [
      [fill({}), undefined, 'no payment token'],
      [fill({ token: 'ptok_zzz' }), token(), "only this task's payment token, ptok_abc"],
      [fill({ amount: 50.01 }), token(), 'more than payment token ptok_abc may pay (at most 50.00 USD)'],
      [fill({ currency: 'EUR' }), token(), 'pays in USD only'],
      [fill({}, 'https://evil.example/checkout'), token(), 'only on shop.example, not on https://evil.example'],
      [fill({}, 'https://shop.example.evil.example/'), token(), 'not on https://shop.example.evil.example'],
      [fill({}), token({ status: 'spent' }), 'is spent'],
      [fill({}), token({ status: 'revoked' }), 'was revoked'],
      [fill({}), token({ status: 'expired' }), 'has expired'],
      [fill({}), token({ status: 'reserved', reservedHere: false }), 'in use by another task'],
    ];
    for (const [action, payment, reason] of reasons) {
      const got = verdict(action, payment);
      expect(got.kind, reason).toBe('refuse');
      expect(got.kind === 'refuse' ? got.reason : '', reason).toContain(reason);
    }
  });

  it('refuses to submit a filled card whose token no longer holds', () => {
    const submit = classified(planned('click', { index: 1 }, button('Place order', 'submit'), true));
    expect(verdict(submit, reserved)).toEqual({ kind: 'allow' });
    for (const status of ['revoked', 'expired'] as const) expect(verdict(submit, token({ status })).kind).toBe('refuse');
  });
});

describe('reviewAction', () => {
  const action = classified(planned('click', { index: 1 }, button('Place order')));
  const says = (name: string, verdict: ReturnType<ActionPolicy['review']>): ActionPolicy => ({ name, review: () => verdict });
  const ask = { kind: 'ask' as const, approval: approvalFor(action, 'payment', context()) };

  it('lets the first refusal win over questions, and a question over allowing', () => {
    expect(reviewAction(action, context(), [says('a', { kind: 'allow' }), says('b', ask), says('c', { kind: 'refuse', reason: 'no' })])).toMatchObject({ kind: 'refuse', policy: 'c', reason: 'no' });
    expect(reviewAction(action, context(), [says('a', { kind: 'allow' }), says('b', ask), says('c', { kind: 'allow' })])).toMatchObject({ kind: 'ask', policy: 'b' });
    expect(reviewAction(action, context(), [says('a', { kind: 'allow' })])).toMatchObject({ kind: 'allow' });
    expect(reviewAction(action, context(), [])).toMatchObject({ kind: 'allow' });
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});
