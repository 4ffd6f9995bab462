import type { PaymentTokenResponse, PaymentTokensResponse } from '@steward/protocol';
import { camelize, snakify } from '../core/casing.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import type { CreatePaymentTokenParams, PaymentToken } from '../types.ts';

const tokenPath = (id: string): string => `/v1/payment_tokens/${encodeURIComponent(id)}`;

/**
 * Steward extension: one-time payment tokens. A task uses one by reference
 * (`configUpdates: { payment_token: token.id }`); the card never comes back.
 */
export class PaymentTokens {
  constructor(private readonly http: HttpCore) {}

  /** Never retried once it may have arrived: a second call would be a second token for the card. */
  create(params: CreatePaymentTokenParams, request?: RequestOptions): APIPromise<PaymentToken> {
    const { card, billingAddress, ...rest } = params;
    const body = { ...snakify(rest), card: snakify(card), ...(billingAddress === undefined ? {} : { billing_address: snakify(billingAddress) }) };
    return this.http.json<PaymentTokenResponse>({ method: 'POST', path: '/v1/payment_tokens', json: body }, request).map(camelize);
  }

  /** Newest first. */
  list(request?: RequestOptions): APIPromise<PaymentToken[]> {
    return this.http.json<PaymentTokensResponse>({ method: 'GET', path: '/v1/payment_tokens' }, request).map((answer) => answer.payment_tokens.map(camelize));
  }

  get(tokenId: string, request?: RequestOptions): APIPromise<PaymentToken> {
    return this.http.json<PaymentTokenResponse>({ method: 'GET', path: tokenPath(tokenId) }, request).map(camelize);
  }

  /** DELETE: the card is forgotten; answers the token as it now is. */
  revoke(tokenId: string, request?: RequestOptions): APIPromise<PaymentToken> {
    return this.http.json<PaymentTokenResponse>({ method: 'DELETE', path: tokenPath(tokenId) }, request).map(camelize);
  }
}
