/**
 * The most a task says it may spend ("under $50", "at most 30 EUR", "a budget of £200", "no more
 * than 12.50 dollars"), so a payment beyond it is refused whatever the page or the token allows.
 * The smallest limit the text names wins; none: the task sets no limit (the token's still holds).
 */
export interface TaskBudget {
  amount: number;
  /** ISO code when the text names one. */
  currency: string | undefined;
}

const SYMBOLS: Readonly<Record<string, string>> = { $: 'USD', '€': 'EUR', '£': 'GBP', '¥': 'JPY' };
const WORDS: Readonly<Record<string, string>> = { dollar: 'USD', dollars: 'USD', euro: 'EUR', euros: 'EUR', pound: 'GBP', pounds: 'GBP', yen: 'JPY' };
const LIMIT =
  /\b(?:under|below|less than|at most|no more than|not more than|max(?:imum)?(?: of)?|up to|budget(?: is| of)?|not (?:to )?exceed(?:ing)?|within|cheaper than|spend(?:ing)? (?:at most|no more than|up to))\s*:?\s*(?:a budget of\s*)?([$€£¥]|[A-Z]{3}\s)?\s?(\d{1,9}(?:[.,]\d{1,2})?)\s*([A-Za-z]{3}\b|dollars?|euros?|pounds?|yen)?/gi;

export function taskBudgetOf(text: string): TaskBudget | undefined {
  let best: TaskBudget | undefined;
  for (const match of text.matchAll(LIMIT)) {
    const amount = Number((match[2] ?? '').replace(',', '.'));
    if (!Number.isFinite(amount) || amount <= 0) continue;
    const before = match[1]?.trim();
    const after = match[3]?.toLowerCase();
    const currency = before !== undefined ? (SYMBOLS[before] ?? before.toUpperCase()) : after === undefined ? undefined : (WORDS[after] ?? (/^[a-z]{3}$/.test(after) && isCurrencyCode(after) ? after.toUpperCase() : undefined));
    // A number with neither symbol nor code ("under 5 minutes") is no money.
    if (currency === undefined) continue;
    if (best === undefined || amount < best.amount) best = { amount, currency };
  }
  return best;
}

function isCurrencyCode(code: string): boolean {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().currency === code.toUpperCase() && Intl.supportedValuesOf('currency').includes(code.toUpperCase());
  } catch {
    return false;
  }
}
