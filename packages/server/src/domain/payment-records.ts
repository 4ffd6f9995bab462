import type { ActionClass, ApprovalDecision } from '@steward/protocol';

/** How a token stands in the store; `expired` is not stored, it is read from `expiresAt`. */
export type StoredPaymentTokenStatus = 'active' | 'reserved' | 'spent' | 'revoked';

/** A payment token without its card: what every read but `openPaymentCard` returns. */
export interface PaymentTokenRecord {
  /** `ptok_…` */
  id: string;
  apiKeyId: string;
  last4: string;
  brand: string;
  /** Units of `currency` (two decimals at most); null: no limit of the token's own. */
  maxAmount: number | null;
  currency: string;
  /** Lower-case domains the card may be filled on (subdomains included); empty: any. */
  merchantDomains: string[];
  expiresAt: Date | null;
  status: StoredPaymentTokenStatus;
  /** Set while `reserved`: which session's fill holds the token, for how much. */
  reservation: PaymentReservation | null;
  createdAt: Date;
  spentAt: Date | null;
  revokedAt: Date | null;
}

export interface PaymentReservation {
  sessionId: string;
  amount: number;
  currency: string;
  at: Date;
}

/**
 * The card itself. Stores seal it at rest and drop it once the token can never be used again
 * (spent or revoked); it leaves the store only through `openPaymentCard`.
 */
export interface PaymentCardSecret {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  name: string;
  billingAddress?: { line1: string; line2?: string | undefined; city: string; state?: string | undefined; postalCode: string; country: string } | undefined;
}

export type PaymentTokenPatch = Partial<Pick<PaymentTokenRecord, 'status' | 'reservation' | 'spentAt' | 'revokedAt'>> & {
  /** Forget the card (the token is spent or revoked). */
  dropCard?: boolean | undefined;
};

/** The action an approval was asked for (see `ApprovalActionResponse`). */
export interface ApprovalAction {
  kind: ActionClass;
  tool: string;
  element: { role: string; name: string } | null;
  site: string;
  path: string;
}

/** One question of the action gate and what became of it; lives and dies with its session. */
export interface ApprovalRecord {
  id: string;
  sessionId: string;
  /** The QUESTION message that asked. */
  messageId: number;
  action: ApprovalAction;
  amount: number | null;
  currency: string | null;
  paymentToken: string | null;
  digest: string;
  question: string;
  answer: string | null;
  decision: ApprovalDecision;
  executed: boolean | null;
  askedAt: Date;
  answeredAt: Date | null;
}

export type ApprovalPatch = Partial<Pick<ApprovalRecord, 'answer' | 'decision' | 'executed' | 'answeredAt'>>;
