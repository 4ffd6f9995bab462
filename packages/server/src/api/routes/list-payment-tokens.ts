import type { FastifyInstance } from 'fastify';
import type { PaymentTokensResponse } from '@steward/protocol';
import type { ApiDeps } from '../api-deps.ts';
import { paymentTokenToWire } from '../payment-serializers.ts';

/** Steward extension: the key's payment tokens, newest first. */
export function listPaymentTokensRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get('/v1/payment_tokens', async (request): Promise<PaymentTokensResponse> => {
    const tokens = await sessions.paymentTokens.list(request.apiKeyId);
    return { payment_tokens: tokens.map(paymentTokenToWire) };
  });
}
