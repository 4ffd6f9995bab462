/**
 * Facts about a card number that may be shown: its brand and its last four digits. Nothing else
 * of a card leaves the payment token service.
 */

const BRANDS: readonly { brand: string; test: (digits: string) => boolean }[] = [
  { brand: 'amex', test: (d) => /^3[47]/.test(d) },
  { brand: 'diners', test: (d) => /^3(0[0-5]|[68])/.test(d) },
  { brand: 'jcb', test: (d) => /^35(2[89]|[3-8])/.test(d) },
  { brand: 'visa', test: (d) => d.startsWith('4') },
  { brand: 'mastercard', test: (d) => /^5[1-5]/.test(d) || inRange(d, 4, 2221, 2720) },
  { brand: 'discover', test: (d) => /^(6011|65|64[4-9])/.test(d) },
  { brand: 'unionpay', test: (d) => d.startsWith('62') },
];

function inRange(digits: string, length: number, low: number, high: number): boolean {
  const prefix = Number(digits.slice(0, length));
  return prefix >= low && prefix <= high;
}

/** The card network by the number's prefix (IIN ranges), or `unknown`. */
export function cardBrand(digits: string): string {
  return BRANDS.find((b) => b.test(digits))?.brand ?? 'unknown';
}

export function cardLast4(digits: string): string {
  return digits.slice(-4);
}

/** What an observation shows for a field filled from a token: the number as `•••• 4242`, anything else as `•••`. */
export function maskedCardValue(field: string, last4: string): string {
  return field === 'number' ? `•••• ${last4}` : '•••';
}

/** The first instant the card no longer works: cards are good through the last day of their expiry month (UTC). */
export function cardExpiredAt(expMonth: number, expYear: number): Date {
  return new Date(Date.UTC(expYear, expMonth, 1));
}
