import { cardDigits, type CreatePaymentTokenRequest, type PaymentTokenStatus } from '@steward/protocol';
import type { PaymentTokenFacts, PaymentStep, TaskPayments } from '../agent/index.ts';
import type { PaymentField, PaymentSecretRef, ResolvedSecret, SecretVault, VaultAnswer } from '../browser/secret-vault.ts';
import { AppError } from '../errors/index.ts';
import { cardBrand, cardExpiredAt, cardLast4, maskedCardValue, merchantAllows, MerchantDomainError, normaliseMerchantDomains, unusable } from '../safety/index.ts';
import type { Store } from '../store/index.ts';
import type { PaymentCardSecret, PaymentTokenRecord } from '../domain/index.ts';
import { randomToken, type Clock } from '../util/index.ts';

/** A token as the API shows it: the record with the status it has now (`expired` is read, not stored). */
export interface PaymentTokenView {
  token: PaymentTokenRecord;
  status: PaymentTokenStatus;
}

const USABLE = ['active', 'reserved'] as const;

/**
 * One-time payment tokens: created from a card by the API, used by tasks through `forTask` (the
 * agent's port: reserve, spend, release) and `vaultFor` (the browser's port: the card values, for
 * a field on a merchant's page, while this session holds the token). Card data leaves this class
 * only as the candidates a vault answer carries to the browser.
 */
export class PaymentTokenService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(apiKeyId: string, input: CreatePaymentTokenRequest): Promise<PaymentTokenView> {
    const now = this.clock.now();
    const digits = cardDigits(input.card.number);
    if (cardExpiredAt(input.card.exp_month, input.card.exp_year) <= now) throw invalid('card', 'the card has expired (exp_month/exp_year are in the past)');
    const expiresAt = input.expires_at === undefined ? null : new Date(input.expires_at);
    if (expiresAt !== null && expiresAt <= now) throw invalid('expires_at', 'must be in the future');
    let merchantDomains: string[];
    try {
      merchantDomains = normaliseMerchantDomains(input.merchant_domains);
    } catch (error) {
      if (error instanceof MerchantDomainError) throw invalid('merchant_domains', error.message.replace(/^merchant_domains: /, ''));
      throw error;
    }
    const token: PaymentTokenRecord = {
      id: `ptok_${randomToken(18)}`,
      apiKeyId,
      last4: cardLast4(digits),
      brand: cardBrand(digits),
      maxAmount: input.max_amount ?? null,
      currency: input.currency,
      merchantDomains,
      expiresAt,
      status: 'active',
      reservation: null,
      createdAt: now,
      spentAt: null,
      revokedAt: null,
    };
    const address = input.billing_address;
    const card: PaymentCardSecret = {
      number: digits,
      expMonth: input.card.exp_month,
      expYear: input.card.exp_year,
      cvc: input.card.cvc,
      name: input.card.name,
      ...(address === undefined
        ? {}
        : { billingAddress: { line1: address.line1, line2: address.line2, city: address.city, state: address.state, postalCode: address.postal_code, country: address.country } }),
    };
    await this.store.insertPaymentToken(token, card);
    return this.view(token);
  }

  async list(apiKeyId: string): Promise<PaymentTokenView[]> {
    return (await this.store.listPaymentTokens(apiKeyId)).map((token) => this.view(token));
  }

  /** The key's own token; another key's (or an unknown id) is 404, as for sessions. */
  async get(apiKeyId: string, id: string): Promise<PaymentTokenView> {
    return this.view(await this.owned(apiKeyId, id));
  }

  /** Revokes the token and forgets its card; a spent or revoked token is answered as it is. */
  async revoke(apiKeyId: string, id: string): Promise<PaymentTokenView> {
    const token = await this.owned(apiKeyId, id);
    const revoked = await this.store.updatePaymentToken(token.id, USABLE, { status: 'revoked', revokedAt: this.clock.now(), reservation: null, dropCard: true });
    return this.view(revoked ?? (await this.owned(apiKeyId, id)));
  }

  /** For `config_updates.payment_token`: 422 unless the key owns such a token (its state is checked when it is used). */
  async requireOwned(apiKeyId: string, id: unknown): Promise<string> {
    if (typeof id !== 'string' || id === '') throw invalid('config_updates.payment_token', 'must be the id of a payment token (ptok_…)');
    const token = await this.store.getPaymentToken(id);
    if (token === undefined || token.apiKeyId !== apiKeyId) throw invalid('config_updates.payment_token', 'no payment token with this id');
    return token.id;
  }

  /**
   * After a restart no task runs, so no fill is still in a page: every reservation goes back to
   * active. Returns how many.
   */
  async releaseAfterRestart(): Promise<number> {
    let released = 0;
    for (const token of await this.store.listReservedPaymentTokens()) {
      if (await this.store.updatePaymentToken(token.id, ['reserved'], { status: 'active', reservation: null })) released++;
    }
    return released;
  }

  /**
   * Cluster mode: a lost worker's task no longer fills anything, so the reservations its session
   * held go back to active (other sessions' stay: their workers still run). Returns how many.
   */
  async releaseHeldBy(sessionId: string): Promise<number> {
    let released = 0;
    for (const token of await this.store.listReservedPaymentTokens()) {
      if (token.reservation?.sessionId !== sessionId) continue;
      if (await this.store.updatePaymentToken(token.id, ['reserved'], { status: 'active', reservation: null })) released++;
    }
    return released;
  }

  /** The token as the agent of one session's task may use it. */
  forTask(sessionId: string, tokenId: string): TaskPayments {
    return {
      tokenId,
      facts: async () => {
        const token = await this.store.getPaymentToken(tokenId);
        return token === undefined ? undefined : this.facts(token, sessionId);
      },
      reserve: (amount, currency) => this.reserve(tokenId, sessionId, amount, currency),
      release: async () => {
        const token = await this.store.getPaymentToken(tokenId);
        // Only a reservation of this session is its to give back.
        if (token?.status === 'reserved' && token.reservation?.sessionId === sessionId) {
          await this.store.updatePaymentToken(tokenId, ['reserved'], { status: 'active', reservation: null });
        }
      },
      spend: () => this.spend(tokenId, sessionId),
    };
  }

  /** The domains a token may pay on (they join the task's sites); undefined for no such token. */
  async merchantDomainsOf(tokenId: string): Promise<string[] | undefined> {
    return (await this.store.getPaymentToken(tokenId))?.merchantDomains;
  }

  /** The browser's vault for one session: card values of a token this session holds, on a merchant's page. */
  vaultFor(sessionId: string): SecretVault {
    return { resolve: (ref, where) => (ref.vault === 'payment_token' ? this.resolve(ref, where, sessionId) : Promise.resolve({ ok: false, reason: 'Not a payment token.' })) };
  }

  private async reserve(tokenId: string, sessionId: string, amount: number, currency: string): Promise<PaymentStep> {
    const now = this.clock.now();
    const token = await this.store.getPaymentToken(tokenId);
    if (token === undefined) return { ok: false, reason: `Payment token ${tokenId} does not exist.` };
    const status = this.statusOf(token);
    if (status === 'reserved' && token.reservation?.sessionId === sessionId) {
      const held = token.reservation;
      if (Math.round(held.amount * 100) === Math.round(amount * 100) && held.currency === currency) return { ok: true };
      return { ok: false, reason: `Payment token ${tokenId} is already filled for ${held.amount} ${held.currency} in this session.` };
    }
    if (status !== 'active') return { ok: false, reason: unusable(tokenId, status) };
    const reserved = await this.store.updatePaymentToken(tokenId, ['active'], { status: 'reserved', reservation: { sessionId, amount, currency, at: now } });
    return reserved === undefined ? { ok: false, reason: `Payment token ${tokenId} was just taken by another task.` } : { ok: true };
  }

  private async spend(tokenId: string, sessionId: string): Promise<PaymentStep> {
    const token = await this.store.getPaymentToken(tokenId);
    if (token === undefined || token.status !== 'reserved' || token.reservation?.sessionId !== sessionId) {
      return { ok: false, reason: unusable(tokenId, token === undefined ? 'revoked' : this.statusOf(token)) };
    }
    const spent = await this.store.updatePaymentToken(tokenId, ['reserved'], { status: 'spent', spentAt: this.clock.now(), reservation: null, dropCard: true });
    return spent === undefined ? { ok: false, reason: `Payment token ${tokenId} changed meanwhile.` } : { ok: true };
  }

  private async resolve(ref: PaymentSecretRef, where: { url: string }, sessionId: string): Promise<VaultAnswer> {
    const token = await this.store.getPaymentToken(ref.id);
    if (token === undefined) return { ok: false, reason: `Payment token ${ref.id} does not exist.` };
    const status = this.statusOf(token);
    if (status !== 'reserved' || token.reservation?.sessionId !== sessionId) {
      return { ok: false, reason: status === 'active' ? `Payment token ${ref.id} is not reserved for this session.` : unusable(ref.id, status) };
    }
    // The field's own document counts, not only the tab's: a card field in a frame of another site is filled only if the token names that site too.
    if (!merchantAllows(token.merchantDomains, where.url)) return { ok: false, reason: `Payment token ${ref.id} may not be used on ${originOf(where.url)}.` };
    const card = await this.store.openPaymentCard(ref.id);
    if (card === undefined) return { ok: false, reason: unusable(ref.id, 'spent') };
    if (cardExpiredAt(card.expMonth, card.expYear) <= this.clock.now()) return { ok: false, reason: `The card of payment token ${ref.id} has expired.` };
    const secret = cardField(card, ref.field, token.last4);
    return secret === undefined ? { ok: false, reason: `Payment token ${ref.id} has no ${ref.field.replace('_', ' ')}.` } : { ok: true, secret };
  }

  private facts(token: PaymentTokenRecord, sessionId: string): PaymentTokenFacts {
    const reservedHere = token.status === 'reserved' && token.reservation?.sessionId === sessionId;
    return {
      id: token.id,
      last4: token.last4,
      brand: token.brand,
      status: this.statusOf(token),
      maxAmount: token.maxAmount,
      currency: token.currency,
      merchantDomains: token.merchantDomains,
      reservedHere,
      ...(reservedHere && token.reservation !== null ? { reservedFor: { amount: token.reservation.amount, currency: token.reservation.currency } } : {}),
    };
  }

  private statusOf(token: PaymentTokenRecord): PaymentTokenStatus {
    if ((token.status === 'active' || token.status === 'reserved') && token.expiresAt !== null && token.expiresAt <= this.clock.now()) return 'expired';
    return token.status;
  }

  private view(token: PaymentTokenRecord): PaymentTokenView {
    return { token, status: this.statusOf(token) };
  }

  private async owned(apiKeyId: string, id: string): Promise<PaymentTokenRecord> {
    const token = await this.store.getPaymentToken(id);
    if (token === undefined || token.apiKeyId !== apiKeyId) throw new AppError('not_found', { detail: 'Payment token not found.' });
    return token;
  }
}

/** The ways a form may want one part of the card, preferred first. */
function cardField(card: PaymentCardSecret, field: PaymentField, last4: string): ResolvedSecret | undefined {
  const month = String(card.expMonth).padStart(2, '0');
  const year = String(card.expYear);
  const yy = year.slice(-2);
  const masked = maskedCardValue(field, last4);
  switch (field) {
    case 'number':
      return { candidates: [card.number, card.number.replace(/(\d{4})(?=\d)/g, '$1 ')], display: masked, redact: [card.number, card.number.replace(/(\d{4})(?=\d)/g, '$1 ')] };
    case 'exp':
      return { candidates: [`${month}/${yy}`, `${month} / ${yy}`, `${month}${yy}`, `${month}/${year}`], display: masked };
    case 'exp_month':
      return { candidates: [month, String(card.expMonth)], display: masked };
    case 'exp_year':
      return { candidates: [year, yy], display: masked };
    case 'cvc':
      return { candidates: [card.cvc], display: masked };
    case 'name':
      // Card data like the rest: the model has no need to read the holder's name back.
      return { candidates: [card.name], display: masked };
    case 'postal_code':
      return card.billingAddress === undefined ? undefined : { candidates: [card.billingAddress.postalCode] };
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'this page';
  }
}

function invalid(field: string, problem: string): AppError {
  return new AppError('validation_error', { detail: `${field}: ${problem}` });
}
