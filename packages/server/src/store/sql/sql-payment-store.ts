import type { Kysely, Updateable } from 'kysely';
import type { PaymentStore } from '../payment-store.ts';
import type { ApprovalPatch, ApprovalRecord, PaymentCardSecret, PaymentTokenPatch, PaymentTokenRecord, StoredPaymentTokenStatus } from '../../domain/index.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { approvalToRow, openCardColumn, paymentTokenToRow, reservationToColumn, rowToApproval, rowToPaymentToken } from './payment-row-mappers.ts';
import type { ApprovalsTable, PaymentTokensTable, StoreDatabase } from './store-database.ts';

/** The payment half of `SqlStore`, over the same connection and key. */
export class SqlPaymentStore implements PaymentStore {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    private readonly secrets: SecretBox,
    /** Called after a card is dropped: the SQL store's scrubber, so no copy stays in the files. */
    private readonly afterCardDropped: () => Promise<void>,
  ) {}

  async insertPaymentToken(token: PaymentTokenRecord, card: PaymentCardSecret): Promise<void> {
    await this.db.insertInto('payment_tokens').values(paymentTokenToRow(token, card, this.secrets)).execute();
  }

  async getPaymentToken(id: string): Promise<PaymentTokenRecord | undefined> {
    const row = await this.db.selectFrom('payment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : rowToPaymentToken(row);
  }

  async listPaymentTokens(apiKeyId: string): Promise<PaymentTokenRecord[]> {
    const rows = await this.db
      .selectFrom('payment_tokens')
      .selectAll()
      .where('api_key_id', '=', apiKeyId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(rowToPaymentToken);
  }

  async openPaymentCard(id: string): Promise<PaymentCardSecret | undefined> {
    const row = await this.db.selectFrom('payment_tokens').select('card').where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : openCardColumn(row.card, this.secrets);
  }

  async updatePaymentToken(id: string, from: readonly StoredPaymentTokenStatus[], patch: PaymentTokenPatch): Promise<PaymentTokenRecord | undefined> {
    if (from.length === 0) return undefined;
    const set: Updateable<PaymentTokensTable> = {};
    if (patch.status !== undefined) set.status = patch.status;
    if (patch.reservation !== undefined) set.reservation = reservationToColumn(patch.reservation);
    if (patch.spentAt !== undefined) set.spent_at = patch.spentAt === null ? null : patch.spentAt.getTime();
    if (patch.revokedAt !== undefined) set.revoked_at = patch.revokedAt === null ? null : patch.revokedAt.getTime();
    if (patch.dropCard === true) set.card = null;
    if (Object.keys(set).length === 0) {
      const row = await this.db.selectFrom('payment_tokens').selectAll().where('id', '=', id).where('status', 'in', [...from]).executeTakeFirst();
      return row === undefined ? undefined : rowToPaymentToken(row);
    }
    // The status condition makes the check and the write one statement: racing reservations serialize here.
    const row = await this.db
      .updateTable('payment_tokens')
      .set(set)
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .returningAll()
      .executeTakeFirst();
    if (row !== undefined && patch.dropCard === true) await this.afterCardDropped();
    return row === undefined ? undefined : rowToPaymentToken(row);
  }

  async listReservedPaymentTokens(): Promise<PaymentTokenRecord[]> {
    // Not indexed: reserved tokens are few (one per running payment), and this runs once per start.
    const rows = await this.db.selectFrom('payment_tokens').selectAll().where('status', '=', 'reserved').orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToPaymentToken);
  }

  async insertApproval(approval: ApprovalRecord): Promise<void> {
    await this.db.insertInto('approvals').values(approvalToRow(approval)).execute();
  }

  async updateApproval(id: string, patch: ApprovalPatch): Promise<ApprovalRecord | undefined> {
    const set: Updateable<ApprovalsTable> = {};
    if (patch.answer !== undefined) set.answer = patch.answer;
    if (patch.decision !== undefined) set.decision = patch.decision;
    if (patch.executed !== undefined) set.executed = patch.executed === null ? null : patch.executed ? 1 : 0;
    if (patch.answeredAt !== undefined) set.answered_at = patch.answeredAt === null ? null : patch.answeredAt.getTime();
    if (Object.keys(set).length === 0) {
      const row = await this.db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : rowToApproval(row);
    }
    const row = await this.db.updateTable('approvals').set(set).where('id', '=', id).returningAll().executeTakeFirst();
    return row === undefined ? undefined : rowToApproval(row);
  }

  async listApprovals(sessionId: string): Promise<ApprovalRecord[]> {
    const rows = await this.db.selectFrom('approvals').selectAll().where('session_id', '=', sessionId).orderBy('asked_at').orderBy('id').execute();
    return rows.map(rowToApproval);
  }
}
