import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors/index.ts';
import type { ApiDeps } from '../api-deps.ts';

/**
 * `GET /metrics` in the Prometheus text format, and every request's latency by route. Public, as
 * scrapers expect: it holds counts by status and route only, never an id, a key or a URL. With
 * `STEWARD_METRICS=off` nothing is recorded and the path answers 404.
 */
export function metricsRoute(app: FastifyInstance, { metrics }: Pick<ApiDeps, 'metrics'>): void {
  if (metrics !== undefined) {
    app.addHook('onResponse', async (request, reply) => {
      metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
  }
  app.get('/metrics', async (_request, reply) => {
    if (metrics === undefined) throw new AppError('not_found', { detail: 'Metrics are off on this server (STEWARD_METRICS=off).' });
    return reply.type(metrics.contentType).header('Cache-Control', 'no-store').send(await metrics.render());
  });
}
