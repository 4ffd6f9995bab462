import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../api-deps.ts';

/**
 * `GET /healthz` (no key): 200 `{ ok: true, … }` while the node can serve, 503 `{ ok: false, … }`
 * when its store does not answer, so a load balancer routes around it. What each check found is
 * in the body; the browser is reported but does not fail the check (the API serves without it).
 */
export function healthzRoute(app: FastifyInstance, { health }: Pick<ApiDeps, 'health'>): void {
  app.get('/healthz', async (_request, reply) => {
    if (health === undefined) return { ok: true };
    const report = await health();
    return reply.code(report.ok ? 200 : 503).header('Cache-Control', 'no-store').send(report);
  });
}
