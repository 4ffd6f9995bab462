import type { PaymentTokenStatus } from '@steward/protocol';
import type { ActionPolicy } from './action-review.ts';
import { merchantAllows } from './merchant-domains.ts';

/** Tools that press the mouse at a point, where no element index says what they submit. */
const POINTER_PRESSES = new Set(['click_at', 'drag']);

const cents = (amount: number): number => Math.round(amount * 100);

/**
 * A task's payment token is used only as its owner allowed: `fill_payment` with the task's own
 * token, while it is usable, for at most its `max_amount` in its currency, on a page of one of its
 * merchant domains; and a payment is submitted only while the fill's reservation still holds (a
 * token revoked or expired since it was filled is not submitted). While a card is filled, the
 * mouse is pressed only on elements by index: a press at a point could submit it unrecognised.
 */
export const paymentTokenRule: ActionPolicy = {
  name: 'payment_token',
  review(action, { payment }) {
    if (action.tool === 'fill_payment') {
      if (payment === undefined) return refuse('This task has no payment token: the user gives one with config_updates.payment_token on the message.');
      const { token, amount, currency } = action.args;
      if (token !== payment.id) return refuse(`fill_payment may use only this task's payment token, ${payment.id}.`);
      if (payment.status !== 'active' && !(payment.status === 'reserved' && payment.reservedHere)) return refuse(unusable(payment.id, payment.status));
      if (typeof currency !== 'string' || currency.toUpperCase() !== payment.currency) return refuse(`Payment token ${payment.id} pays in ${payment.currency} only.`);
      if (typeof amount !== 'number' || !(amount > 0)) return refuse('The amount must be a positive number.');
      if (payment.maxAmount !== null && cents(amount) > cents(payment.maxAmount)) {
        return refuse(`${amount.toFixed(2)} ${payment.currency} is more than payment token ${payment.id} may pay (at most ${payment.maxAmount.toFixed(2)} ${payment.currency}).`);
      }
      if (!merchantAllows(payment.merchantDomains, action.url)) {
        return refuse(`Payment token ${payment.id} may be used only on ${payment.merchantDomains.join(', ')}, not on ${originOf(action.url)}.`);
      }
      return { kind: 'allow' };
    }
    if (action.paymentFilled && POINTER_PRESSES.has(action.tool)) {
      return refuse('While card details from the payment token are filled in, act on elements by their index (click, not click_at or drag), so a payment cannot be submitted unrecognised.');
    }
    if (action.actionClass === 'payment' && action.paymentFilled && payment !== undefined && !(payment.status === 'reserved' && payment.reservedHere)) {
      return refuse(`${unusable(payment.id, payment.status)} The card filled on this page must not be submitted.`);
    }
    return { kind: 'allow' };
  },
};

function refuse(reason: string): { kind: 'refuse'; reason: string } {
  return { kind: 'refuse', reason };
}

export function unusable(id: string, status: PaymentTokenStatus): string {
  switch (status) {
    case 'spent':
      return `Payment token ${id} is spent: it paid once and cannot be used again.`;
    case 'revoked':
      return `Payment token ${id} was revoked by its owner.`;
    case 'expired':
      return `Payment token ${id} has expired.`;
    case 'reserved':
      return `Payment token ${id} is in use by another task.`;
    case 'active':
      return `Payment token ${id} is not filled in this session.`;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'this page';
  }
}
