import type { PaymentTokenFacts } from '../safety/index.ts';

export type { PaymentTokenFacts };

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
