import type { PaymentStore } from '../payment-store.ts';
import type { ApprovalPatch, ApprovalRecord, PaymentCardSecret, PaymentTokenPatch, PaymentTokenRecord, StoredPaymentTokenStatus } from '../../domain/index.ts';
import { UnknownSessionError } from '../store-error.ts';

const copy = <T>(value: T): T => structuredClone(value);

/** The payment half of `InMemoryStore`; it asks the store whether a session exists. */
export class InMemoryPaymentStore implements PaymentStore {
  private readonly tokens = new Map<string, PaymentTokenRecord>();
  private readonly cards = new Map<string, PaymentCardSecret>();
  private readonly approvals = new Map<string, ApprovalRecord>();

  constructor(private readonly hasSession: (id: string) => boolean) {}

  async insertPaymentToken(token: PaymentTokenRecord, card: PaymentCardSecret): Promise<void> {
    if (this.tokens.has(token.id)) throw new Error(`payment token ${token.id} exists`);
    this.tokens.set(token.id, copy(token));
    this.cards.set(token.id, copy(card));
  }

  async getPaymentToken(id: string): Promise<PaymentTokenRecord | undefined> {
    const token = this.tokens.get(id);
    return token && copy(token);
  }

  async listPaymentTokens(apiKeyId: string): Promise<PaymentTokenRecord[]> {
    return [...this.tokens.values()]
      .filter((t) => t.apiKeyId === apiKeyId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map(copy);
  }

  async openPaymentCard(id: string): Promise<PaymentCardSecret | undefined> {
    const card = this.cards.get(id);
    return card && copy(card);
  }

  async updatePaymentToken(id: string, from: readonly StoredPaymentTokenStatus[], patch: PaymentTokenPatch): Promise<PaymentTokenRecord | undefined> {
    const token = this.tokens.get(id);
    if (!token || !from.includes(token.status)) return undefined;
    const { dropCard, ...fields } = copy(patch);
    Object.assign(token, fields);
    if (dropCard === true) this.cards.delete(id);
    return copy(token);
  }

  async listReservedPaymentTokens(): Promise<PaymentTokenRecord[]> {
    return [...this.tokens.values()]
      .filter((t) => t.status === 'reserved')
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map(copy);
  }

  async insertApproval(approval: ApprovalRecord): Promise<void> {
    if (!this.hasSession(approval.sessionId)) throw new UnknownSessionError(approval.sessionId);
    if (this.approvals.has(approval.id)) throw new Error(`approval ${approval.id} exists`);
    this.approvals.set(approval.id, copy(approval));
  }

  async updateApproval(id: string, patch: ApprovalPatch): Promise<ApprovalRecord | undefined> {
    const approval = this.approvals.get(id);
    if (!approval) return undefined;
    Object.assign(approval, copy(patch));
    return copy(approval);
  }

  async listApprovals(sessionId: string): Promise<ApprovalRecord[]> {
    return [...this.approvals.values()]
      .filter((a) => a.sessionId === sessionId)
      .sort((a, b) => a.askedAt.getTime() - b.askedAt.getTime() || (a.id < b.id ? -1 : 1))
      .map(copy);
  }

  /** The session was deleted: its approvals go with it. */
  dropSession(sessionId: string): void {
    for (const [id, approval] of this.approvals) if (approval.sessionId === sessionId) this.approvals.delete(id);
  }
}
