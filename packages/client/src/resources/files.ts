import type { SessionFileResponse, SessionFilesResponse, SuccessResponse } from '@steward/protocol';
import { camelize } from '../core/casing.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import type { SessionFile } from '../types.ts';
import { sessionPath } from './sessions.ts';

export type FileBody = Blob | ArrayBuffer | ArrayBufferView | string;

/** Steward extension: a session's files (uploads for the agent, downloads it made). */
export class Files {
  constructor(private readonly http: HttpCore) {}

  /** Uploads `body` as `name`; the answer's `name` differs when that one was taken (`report (1).csv`). */
  upload(sessionId: string, name: string, body: FileBody, request?: RequestOptions & { contentType?: string }): APIPromise<SessionFile> {
    const spec = { method: 'POST' as const, path: sessionPath(sessionId, '/files'), query: { name }, body, ...(request?.contentType === undefined ? {} : { contentType: request.contentType }) };
    return this.http.json<SessionFileResponse>(spec, request).map(camelize);
  }

  /** Oldest first. */
  list(sessionId: string, request?: RequestOptions): APIPromise<SessionFile[]> {
    return this.http.json<SessionFilesResponse>({ method: 'GET', path: sessionPath(sessionId, '/files') }, request).map((answer) => answer.files.map(camelize));
  }

  /** The file's bytes as the answer (`await (await files.download(id, name)).arrayBuffer()`, or stream `.body`). */
  download(sessionId: string, name: string, request?: RequestOptions): Promise<Response> {
    return this.http.raw({ method: 'GET', path: sessionPath(sessionId, `/files/${encodeURIComponent(name)}`), accept: '*/*' }, request);
  }

  delete(sessionId: string, name: string, request?: RequestOptions): APIPromise<SuccessResponse> {
    return this.http.json({ method: 'DELETE', path: sessionPath(sessionId, `/files/${encodeURIComponent(name)}`) }, request);
  }
}
