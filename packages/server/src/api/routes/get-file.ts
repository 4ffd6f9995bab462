import type { FastifyInstance } from 'fastify';
import type { ApiDeps, SessionParams } from '../api-deps.ts';

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  zip: 'application/zip',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/**
 * Steward extension: one file's bytes. Always an attachment, never sniffed and sandboxed: a
 * downloaded page must not run as this server's origin in a client's browser.
 */
export function getFileRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  app.get<{ Params: SessionParams & { name: string } }>('/v1/sessions/:session_id/files/:name', async (request, reply) => {
    const { file, stream } = await sessions.files.open(request.apiKeyId, request.params.session_id, request.params.name);
    const extension = /\.([A-Za-z0-9]+)$/.exec(file.name)?.[1]?.toLowerCase() ?? '';
    return reply
      .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
      .header('content-length', String(file.size))
      .header('content-disposition', contentDisposition(file.name))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox')
      .send(stream);
  });
}

/** RFC 6266: an ASCII fallback for old clients and the exact name as UTF-8 (RFC 5987). */
function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
