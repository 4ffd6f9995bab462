import type { PaymentTokenStatus } from '@steward/protocol';

/** What the action gate may know of a task's payment token: never a card value. */
export interface PaymentTokenFacts {
  id: string;
  last4: string;
  brand: string;
  /** `expired` once the token's `expires_at` passed. */
  status: PaymentTokenStatus;
  maxAmount: number | null;
  currency: string;
  merchantDomains: string[];
  /** True when the token is reserved for (filled in) this task's session. */
  reservedHere: boolean;
  /** While reserved here: the amount and currency of the fill. */
  reservedFor?: { amount: number; currency: string } | undefined;
}
