import type { FastifyInstance } from 'fastify';
import type { PaymentTokenResponse } from '@steward/protocol';
import type { ApiDeps, PaymentTokenParams } from '../api-deps.ts';
import { paymentTokenToWire } from '../payment-serializers.ts';

/** Steward extension: revokes a payment token (its card is forgotten); answers the token as it now is. */
export function deletePaymentTokenRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.delete<{ Params: PaymentTokenParams }>('/v1/payment_tokens/:token_id', async (request): Promise<PaymentTokenResponse> => {
    return paymentTokenToWire(await sessions.paymentTokens.revoke(request.apiKeyId, request.params.token_id));
  });
}
