import type { FastifyInstance } from 'fastify';
import { ListModelsQuery, type ModelsResponse } from '@steward/protocol';
import type { ApiDeps } from '../api-deps.ts';
import { parseInput } from '../validate.ts';

export function listModelsRoute(app: FastifyInstance, { models }: ApiDeps): void {
  app.get('/v1/models', async (request): Promise<ModelsResponse> => {
    const query = parseInput(ListModelsQuery, request.query, 'query');
    // The same agents drive browsers and, through step_desktop, a client's screen (a vision model
    // or a script policy behind them): spec §9.11's empty desktop list predates desktop sessions.
    return { models: [...models] };
  });
}
