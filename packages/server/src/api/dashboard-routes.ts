import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors/index.ts';

const ASSET_NAME = /^[\w-]+(\.[\w-]+)*$/;

/** The dashboard's own pages (the page reads the path); everything else under / is the API's. */
export const DASHBOARD_PAGES = ['/', '/sessions/:session_id', '/sessions/:session_id/replay'] as const;

/**
 * What the page may load and send: only this origin, images from blobs (the live view's frames
 * and replay pictures are fetched with the key, then shown from memory), no frames around it.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Content-Type-Options', 'nosniff')
    // A session page's URL may carry its live-view token: no other site may see it in a Referer.
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY');
}

/**
 * The web dashboard at `/`: index.html for each of its pages (revalidated every time, so a new
 * build shows at once) and its content-hashed assets under /assets/ (cached for a year).
 */
export function registerDashboard(app: FastifyInstance, dashboardDir: string | undefined): void {
  const built = dashboardDir !== undefined && existsSync(join(dashboardDir, 'index.html'));
  if (built) {
    // Loaded with the app's other plugins when it starts listening (or on `ready()`). It only
    // decorates `reply.sendFile`, which keeps every path inside the root it is given.
    void app.register(fastifyStatic, { root: join(dashboardDir, 'assets'), serve: false, decorateReply: true, dotfiles: 'deny', index: false });
    const assets = join(dashboardDir, 'assets');
    app.get<{ Params: { '*': string } }>('/assets/*', { config: { dashboardFile: true } }, async (request, reply) => {
      const name = request.params['*'];
      // The build writes flat, hashed names: anything else (a nested or dotted path) is no asset.
      if (!ASSET_NAME.test(name) || !existsSync(join(assets, name))) throw new AppError('not_found', { detail: `No dashboard asset ${name}` });
      reply.header('X-Content-Type-Options', 'nosniff');
      return reply.sendFile(name, assets, { immutable: true, maxAge: '365d' });
    });
  }
  for (const url of DASHBOARD_PAGES) {
    app.get(url, { config: { dashboardFile: true } }, async (_request, reply) => {
      pageHeaders(reply).header('Cache-Control', 'no-cache');
      if (!built) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send('The dashboard is not built. `npm start` builds it; or run `npm run build -w @steward/dashboard`, then reload. The API under /v1 works without it.\n');
      }
      return reply.sendFile('index.html', dashboardDir, { maxAge: 0, immutable: false, cacheControl: false });
    });
  }
}
