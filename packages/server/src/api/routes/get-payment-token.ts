import type { FastifyInstance } from 'fastify';
import type { PaymentTokenResponse } from '@steward/protocol';
import type { ApiDeps, PaymentTokenParams } from '../api-deps.ts';
import { paymentTokenToWire } from '../payment-serializers.ts';

/** Steward extension: one payment token of the key (another key's: 404). */
export function getPaymentTokenRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: PaymentTokenParams }>('/v1/payment_tokens/:token_id', async (request): Promise<PaymentTokenResponse> => {
    return paymentTokenToWire(await sessions.paymentTokens.get(request.apiKeyId, request.params.token_id));
  });
}
