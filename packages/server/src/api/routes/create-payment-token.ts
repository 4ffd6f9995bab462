import type { FastifyInstance } from 'fastify';
import { CreatePaymentTokenRequest, type PaymentTokenResponse } from '@steward/protocol';
import type { ApiDeps } from '../api-deps.ts';
import { paymentTokenToWire } from '../payment-serializers.ts';
import { parseInput } from '../validate.ts';

/** Steward extension: a one-time payment token from a card (201); the card is never returned. */
export function createPaymentTokenRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.post('/v1/payment_tokens', async (request, reply): Promise<PaymentTokenResponse> => {
    const body = parseInput(CreatePaymentTokenRequest, request.body, 'body');
    const created = await sessions.paymentTokens.create(request.apiKeyId, body);
    void reply.status(201);
    return paymentTokenToWire(created);
  });
}
