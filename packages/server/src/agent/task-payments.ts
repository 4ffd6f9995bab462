import type { PaymentTokenStatus } from '@steward/protocol';

/** What the gate may know of the task's payment token: never a card value. */
export interface PaymentTokenFacts {
  id: string;
  last4: string;
  brand: string;
  /** `expired` once `expiresAt` passed. */
  status: PaymentTokenStatus;
  maxAmount: number | null;
  currency: string;
  merchantDomains: string[];
  /** True when the reservation (status `reserved`) is this task's session's own. */
  reservedHere: boolean;
  /** While reserved here: what the fill was for. */
  reservedFor?: { amount: number; currency: string } | undefined;
}

export type PaymentStep = { ok: true } | { ok: false; reason: string };

/**
 * The one payment token a task was given (`config_updates.payment_token`), as the sessions layer
 * offers it to the agent. Every method checks the token's state in the store; none returns card
 * data, which only the browser's vault resolves.
 */
export interface TaskPayments {
  readonly tokenId: string;
  facts(): Promise<PaymentTokenFacts | undefined>;
  /** Holds the token for this session's fill; refuses when it is not active (or already held here for another amount). */
  reserve(amount: number, currency: string): Promise<PaymentStep>;
  /** Gives a reservation of this session back (a denied or abandoned payment). */
  release(): Promise<void>;
  /** The approved payment was submitted: the token can never be used again. */
  spend(): Promise<PaymentStep>;
}
