import type { Insertable, Selectable } from 'kysely';
import type { ActionClass, ApprovalDecision } from '@steward/protocol';
import type { ApprovalAction, ApprovalRecord, PaymentCardSecret, PaymentReservation, PaymentTokenRecord, StoredPaymentTokenStatus } from '../../domain/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ApprovalsTable, Cents, EpochMs, PaymentTokensTable } from './store-database.ts';

// Like row-mappers.ts: rows are written only here, so their JSON is trusted on the way back.
// Amounts are stored as whole hundredths so that a limit compares exactly in SQL and in code.

const ms = (date: Date): number => date.getTime();
const date = (value: EpochMs): Date => new Date(Number(value));
const dateOrNull = (value: EpochMs | null): Date | null => (value === null ? null : date(value));
const toCents = (amount: number | null): number | null => (amount === null ? null : Math.round(amount * 100));
const fromCents = (cents: Cents | null): number | null => (cents === null ? null : Number(cents) / 100);

export function paymentTokenToRow(token: PaymentTokenRecord, card: PaymentCardSecret, secrets: SecretBox): Insertable<PaymentTokensTable> {
  return {
    id: token.id,
    api_key_id: token.apiKeyId,
    last4: token.last4,
    brand: token.brand,
    max_amount_cents: toCents(token.maxAmount),
    currency: token.currency,
    merchant_domains: JSON.stringify(token.merchantDomains),
    expires_at: token.expiresAt === null ? null : ms(token.expiresAt),
    status: token.status,
    reservation: reservationToColumn(token.reservation),
    card: secrets.seal(JSON.stringify(card)),
    created_at: ms(token.createdAt),
    spent_at: token.spentAt === null ? null : ms(token.spentAt),
    revoked_at: token.revokedAt === null ? null : ms(token.revokedAt),
  };
}

export function reservationToColumn(reservation: PaymentReservation | null): string | null {
  return reservation === null ? null : JSON.stringify({ ...reservation, at: ms(reservation.at) });
}

export function rowToPaymentToken(row: Selectable<PaymentTokensTable>): PaymentTokenRecord {
  const reservation = row.reservation === null ? null : (JSON.parse(row.reservation) as Omit<PaymentReservation, 'at'> & { at: number });
  return {
    id: row.id,
    apiKeyId: row.api_key_id,
    last4: row.last4,
    brand: row.brand,
    maxAmount: fromCents(row.max_amount_cents),
    currency: row.currency,
    merchantDomains: JSON.parse(row.merchant_domains) as string[],
    expiresAt: dateOrNull(row.expires_at),
    status: row.status as StoredPaymentTokenStatus,
    reservation: reservation === null ? null : { ...reservation, at: new Date(reservation.at) },
    createdAt: date(row.created_at),
    spentAt: dateOrNull(row.spent_at),
    revokedAt: dateOrNull(row.revoked_at),
  };
}

export function openCardColumn(card: string | null, secrets: SecretBox): PaymentCardSecret | undefined {
  return card === null ? undefined : (JSON.parse(secrets.open(card)) as PaymentCardSecret);
}

export function approvalToRow(approval: ApprovalRecord): Insertable<ApprovalsTable> {
  return {
    id: approval.id,
    session_id: approval.sessionId,
    message_id: approval.messageId,
    action: JSON.stringify(approval.action),
    amount_cents: toCents(approval.amount),
    currency: approval.currency,
    payment_token: approval.paymentToken,
    digest: approval.digest,
    question: approval.question,
    answer: approval.answer,
    decision: approval.decision,
    executed: approval.executed === null ? null : approval.executed ? 1 : 0,
    asked_at: ms(approval.askedAt),
    answered_at: approval.answeredAt === null ? null : ms(approval.answeredAt),
  };
}

export function rowToApproval(row: Selectable<ApprovalsTable>): ApprovalRecord {
  const action = JSON.parse(row.action) as ApprovalAction & { kind: ActionClass };
  return {
    id: row.id,
    sessionId: row.session_id,
    messageId: Number(row.message_id),
    action,
    amount: fromCents(row.amount_cents),
    currency: row.currency,
    paymentToken: row.payment_token,
    digest: row.digest,
    question: row.question,
    answer: row.answer,
    decision: row.decision as ApprovalDecision,
    executed: row.executed === null ? null : Number(row.executed) === 1,
    askedAt: date(row.asked_at),
    answeredAt: dateOrNull(row.answered_at),
  };
}
