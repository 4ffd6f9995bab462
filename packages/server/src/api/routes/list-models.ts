import type { FastifyInstance } from 'fastify';
import { ListModelsQuery, type ModelsResponse } from '@steward/protocol';
import type { ApiDeps } from '../api-deps.ts';
import { parseInput } from '../validate.ts';

export function listModelsRoute(app: FastifyInstance, { models }: ApiDeps): void {
  app.get('/v1/models', async (request): Promise<ModelsResponse> => {
    const query = parseInput(ListModelsQuery, request.query, 'query');
    // Steward runs browser (CDP) agents only; desktop agents are not offered (spec §9.11).
    return { models: query.filter === 'desktop' ? [] : [...models] };
  });
}
