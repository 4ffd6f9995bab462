import type { ApprovalResponse, PaymentTokenResponse } from '@steward/protocol';
import type { PaymentTokenView } from '../sessions/index.ts';
import type { ApprovalRecord } from '../domain/index.ts';

/** A payment token on the wire: never the number, the security code, the expiry or the holder. */
export function paymentTokenToWire({ token, status }: PaymentTokenView): PaymentTokenResponse {
  return {
    id: token.id,
    last4: token.last4,
    brand: token.brand,
    max_amount: token.maxAmount,
    currency: token.currency,
    merchant_domains: token.merchantDomains,
    expires_at: token.expiresAt?.toISOString() ?? null,
    status,
    created_at: token.createdAt.toISOString(),
    spent_at: token.spentAt?.toISOString() ?? null,
  };
}

export function approvalToWire(approval: ApprovalRecord): ApprovalResponse {
  return {
    id: approval.id,
    message_id: approval.messageId,
    action: approval.action,
    amount: approval.amount,
    currency: approval.currency,
    payment_token: approval.paymentToken,
    digest: approval.digest,
    question: approval.question,
    answer: approval.answer,
    decision: approval.decision,
    executed: approval.executed,
    asked_at: approval.askedAt.toISOString(),
    answered_at: approval.answeredAt?.toISOString() ?? null,
  };
}
