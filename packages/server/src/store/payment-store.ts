import type { ApprovalPatch, ApprovalRecord, PaymentCardSecret, PaymentTokenPatch, PaymentTokenRecord, StoredPaymentTokenStatus } from '../domain/index.ts';

/**
 * Payment tokens and approval records, part of the `Store` port (same atomicity, same
 * not-found-is-a-value rule). A token's card is a secret: adapters that seal secrets at rest
 * seal it, and no method but `openPaymentCard` returns it.
 */
export interface PaymentStore {
  insertPaymentToken(token: PaymentTokenRecord, card: PaymentCardSecret): Promise<void>;
  getPaymentToken(id: string): Promise<PaymentTokenRecord | undefined>;
  /** One key's tokens, newest first. */
  listPaymentTokens(apiKeyId: string): Promise<PaymentTokenRecord[]>;
  /** The card of a token, or undefined when there is no such token or its card was dropped. */
  openPaymentCard(id: string): Promise<PaymentCardSecret | undefined>;
  /**
   * Applies `patch` only if the token's stored status is one of `from`, as one atomic step (two
   * sessions racing to reserve one token: one wins). Returns the updated record, or undefined
   * when there is no such token or its status was not one of `from`.
   */
  updatePaymentToken(id: string, from: readonly StoredPaymentTokenStatus[], patch: PaymentTokenPatch): Promise<PaymentTokenRecord | undefined>;
  /** Tokens reserved by a session (across keys), oldest first: after a restart none of their tasks runs. */
  listReservedPaymentTokens(): Promise<PaymentTokenRecord[]>;

  /** Throws when the session does not exist; deleting the session deletes its approvals. */
  insertApproval(approval: ApprovalRecord): Promise<void>;
  updateApproval(id: string, patch: ApprovalPatch): Promise<ApprovalRecord | undefined>;
  /** One session's approvals, oldest first. */
  listApprovals(sessionId: string): Promise<ApprovalRecord[]>;
}
