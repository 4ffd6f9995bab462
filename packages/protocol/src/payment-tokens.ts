import { z } from 'zod';
import { Timestamp } from './wire-time.ts';

/**
 * One-time payment tokens (Steward extension): a card the client hands over once, used by
 * reference (`config_updates.payment_token`) in tasks. The wire never carries the card back:
 * responses name it by `last4` and `brand` only, and no validation message quotes a card value.
 */

export const PAYMENT_TOKEN_STATUSES = ['active', 'reserved', 'spent', 'revoked', 'expired'] as const;
export type PaymentTokenStatus = (typeof PAYMENT_TOKEN_STATUSES)[number];

/** Most merchant domains one token may name. */
export const MAX_MERCHANT_DOMAINS = 20;
/** Largest `max_amount`; a bigger one is a typo, not a purchase. */
export const MAX_PAYMENT_AMOUNT = 1_000_000_000;

/** Digits of a card number, without the spaces or dashes people write between groups. */
export function cardDigits(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** The Luhn (mod 10) check every payment card number passes. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** An amount in units of the currency with at most two decimals (cents), positive. */
export const PaymentAmount = z
  .number()
  .positive()
  .max(MAX_PAYMENT_AMOUNT)
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, 'at most two decimals');

/** ISO 4217 code; lower case is accepted and upper-cased. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 code, e.g. USD')
  .transform((value) => value.toUpperCase());

// The messages below describe what is wrong and never quote the value: it is card data.
const CardNumber = z.string().superRefine((value, ctx) => {
  const digits = cardDigits(value);
  if (!/^\d{12,19}$/.test(digits)) ctx.addIssue({ code: 'custom', message: 'a card number has 12 to 19 digits (spaces and dashes allowed between them)' });
  else if (!luhnValid(digits)) ctx.addIssue({ code: 'custom', message: 'not a valid card number (it fails the Luhn check)' });
});

export const PaymentCard = z.object({
  number: CardNumber,
  exp_month: z.number().int().min(1).max(12),
  /** Four digits, or two (read as 20YY). */
  exp_year: z
    .number()
    .int()
    .min(0)
    .max(2199)
    .refine((year) => year < 100 || year >= 2000, 'a year such as 2030 (or 30)')
    .transform((year) => (year < 100 ? 2000 + year : year)),
  cvc: z.string().regex(/^\d{3,4}$/, 'a security code has 3 or 4 digits'),
  name: z.string().trim().min(1).max(200),
});
export type PaymentCard = z.infer<typeof PaymentCard>;

export const BillingAddress = z.object({
  line1: z.string().trim().min(1).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1).max(100),
  state: z.string().trim().max(100).optional(),
  postal_code: z.string().trim().min(1).max(20),
  country: z.string().trim().min(2).max(56),
});
export type BillingAddress = z.infer<typeof BillingAddress>;

/** `POST /v1/payment_tokens`. Unknown fields are ignored. */
export const CreatePaymentTokenRequest = z.object({
  card: PaymentCard,
  billing_address: BillingAddress.optional(),
  /** The most one payment with this token may be; absent: no limit beyond the card's. */
  max_amount: PaymentAmount.optional(),
  currency: CurrencyCode.default('USD'),
  /** The sites (and their subdomains) the card may be filled into; absent or empty: any site. */
  merchant_domains: z.array(z.string().trim().min(1).max(253)).max(MAX_MERCHANT_DOMAINS).default([]),
  /** After this instant the token is refused; absent: only the card's own expiry applies. */
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
export type CreatePaymentTokenRequest = z.infer<typeof CreatePaymentTokenRequest>;

/** A payment token as the wire shows it: never the number, the security code or the expiry. */
export const PaymentTokenResponse = z.object({
  id: z.string(),
  last4: z.string(),
  brand: z.string(),
  max_amount: z.number().nullable(),
  currency: z.string(),
  merchant_domains: z.array(z.string()),
  expires_at: Timestamp.nullable(),
  status: z.enum(PAYMENT_TOKEN_STATUSES),
  created_at: Timestamp,
  spent_at: Timestamp.nullable(),
});
export type PaymentTokenResponse = z.infer<typeof PaymentTokenResponse>;

/** `GET /v1/payment_tokens`, newest first. */
export const PaymentTokensResponse = z.object({ payment_tokens: z.array(PaymentTokenResponse) });
export type PaymentTokensResponse = z.infer<typeof PaymentTokensResponse>;
