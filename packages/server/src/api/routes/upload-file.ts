import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { UploadFileQuery, type SessionFileResponse } from '@steward/protocol';
import type { ApiDeps, SessionParams } from '../api-deps.ts';
import { fileToWire } from '../serializers.ts';
import { parseInput, ValidationFailed } from '../validate.ts';

/**
 * Steward extension: the body is the file's bytes, of any media type, streamed to disk under the
 * session's caps (413 past them, also when the body arrives without a length).
 */
export function uploadFileRoute(app: FastifyInstance, { sessions }: ApiDeps): void {
  void app.register(async (scope) => {
    // Only here: every other route reads JSON. The body reaches the handler as the raw stream.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post<{ Params: SessionParams }>('/v1/sessions/:session_id/files', async (request, reply): Promise<SessionFileResponse> => {
      const query = parseInput(UploadFileQuery, request.query, 'query');
      const problem = sessions.files.nameProblem(query.name);
      if (problem !== undefined) throw new ValidationFailed([{ loc: ['query', 'name'], msg: problem, type: 'value_error' }]);
      const body = request.body instanceof Readable ? request.body : Readable.from([]);
      const length = Number(request.headers['content-length']);
      const file = await sessions.files.upload(request.apiKeyId, request.params.session_id, query.name, body, Number.isFinite(length) ? length : undefined);
      void reply.status(201);
      return fileToWire(file);
    });
  });
}
