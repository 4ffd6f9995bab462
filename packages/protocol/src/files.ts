import { z } from 'zod';
import { Timestamp } from './wire-time.ts';

/**
 * Session files (Steward extension): uploads from the client for the agent to put into pages, and
 * downloads the agent's browser made.
 */

/** Longest name accepted on the wire; the server's own rules (docs: Session files) are stricter. */
export const MAX_FILE_NAME_LENGTH = 255;

export const FILE_SOURCES = ['upload', 'download'] as const;
export type FileSource = (typeof FILE_SOURCES)[number];

/** `POST /v1/sessions/{session_id}/files?name=…`; the body is the file's bytes. */
export const UploadFileQuery = z.object({ name: z.string().min(1).max(MAX_FILE_NAME_LENGTH) });
export type UploadFileQuery = z.infer<typeof UploadFileQuery>;

/** One file of a session. `name` may differ from the one uploaded when that was taken (`report (1).csv`). */
export const SessionFileResponse = z.object({
  name: z.string(),
  size: z.number().int().min(0),
  source: z.enum(FILE_SOURCES),
  created_at: Timestamp,
});
export type SessionFileResponse = z.infer<typeof SessionFileResponse>;

/** `GET /v1/sessions/{session_id}/files`, oldest first. */
export const SessionFilesResponse = z.object({ files: z.array(SessionFileResponse) });
export type SessionFilesResponse = z.infer<typeof SessionFilesResponse>;
