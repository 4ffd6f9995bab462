import { z } from 'zod';
import { AgentName, ExecutionStatus, MessageType, SessionStatus } from './enums.ts';
import { Timestamp } from './wire-time.ts';

// Response schemas: what the server sends, as zod, so one definition gives the TypeScript type
// (the same exported names the bare interfaces had), the OpenAPI document and a check tests run
// on real answers. Objects are not strict: a newer server may add fields.

/** Steward extension: a session's newest visible message, its text cut to 300 characters. */
export const LastMessageSummary = z.object({
  id: z.number().int(),
  type: MessageType,
  /** The content as text (a structured result as JSON), at most 300 characters. */
  text: z.string(),
  timestamp: Timestamp,
});
export type LastMessageSummary = z.infer<typeof LastMessageSummary>;

/** A session as the wire shows it (spec §1.1, §1.3). */
export const SessionResponse = z.object({
  session_id: z.string(),
  /** The live view (`/v1/sessions/{id}/live?token=…`). */
  vnc_url: z.string().optional(),
  /** A desktop session's step base: `POST {agent_url}/step_desktop`. */
  agent_url: z.string().optional(),
  agent_name: AgentName,
  status: SessionStatus,
  created_at: Timestamp,
  environment_id: z.string().optional(),
  goal: z.string().optional(),
  agent_session_type: z.string().optional(),
  /**
   * Steward extension: present, and true, on a demo session (`POST /v1/demo/sessions`), whose
   * tasks Steward's scripted demo policy runs, not a language model: label it so.
   */
  demo: z.literal(true).optional(),
  /** Steward extension: the message that started the session's first task, at most 300 characters. */
  task: z.string().optional(),
  /** Steward extension: the newest visible message, for lists that show what a session is doing. */
  last_message: LastMessageSummary.optional(),
});
export type SessionResponse = z.infer<typeof SessionResponse>;

/** `GET /v1/sessions`: a bare array, newest first. */
export const SessionListResponse = z.array(SessionResponse);
export type SessionListResponse = z.infer<typeof SessionListResponse>;

/** A message's content: text, or the structured result of a task with an `output_schema`. */
export const MessageContent = z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]);
export type MessageContent = z.infer<typeof MessageContent>;

/** One message (spec §3). */
export const MessageResponse = z.object({
  id: z.number().int(),
  type: MessageType,
  content: MessageContent,
  timestamp: Timestamp,
  metadata: z.record(z.string(), z.unknown()),
});
export type MessageResponse = z.infer<typeof MessageResponse>;

/** `GET /v1/sessions/{id}/messages` (spec §1.8). */
export const MessagesResponse = z.object({
  messages: z.array(MessageResponse),
  status: ExecutionStatus,
  has_agent: z.boolean(),
});
export type MessagesResponse = z.infer<typeof MessagesResponse>;

export const StatusResponse = z.object({ status: ExecutionStatus });
export type StatusResponse = z.infer<typeof StatusResponse>;

export const SuccessResponse = z.object({ success: z.literal(true), message: z.string() });
export type SuccessResponse = z.infer<typeof SuccessResponse>;

/** `DELETE /v1/sessions/{id}`: `deleted` is false for an unknown id. */
export const DeleteResponse = z.object({ success: z.literal(true), deleted: z.boolean(), message: z.string() });
export type DeleteResponse = z.infer<typeof DeleteResponse>;

export const DeleteAllResponse = DeleteResponse.extend({ count: z.number().int().min(0) });
export type DeleteAllResponse = z.infer<typeof DeleteAllResponse>;

export const NavigateResponse = z.object({ current_url: z.string() });
export type NavigateResponse = z.infer<typeof NavigateResponse>;

export const ScreenshotResponse = z.object({
  /** `data:image/jpeg;base64,…` */
  screenshot: z.string(),
  url: z.string(),
  title: z.string(),
});
export type ScreenshotResponse = z.infer<typeof ScreenshotResponse>;

export const ModelsResponse = z.object({ models: z.array(z.string()) });
export type ModelsResponse = z.infer<typeof ModelsResponse>;

/** One entry of a 422's `detail` (FastAPI's shape). */
export const ValidationIssue = z.object({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/**
 * Error body of spec §9.1. For 422, `detail` is the FastAPI list. `error` is a code of
 * `ERROR_CATALOG`, typed as a string so a client keeps working when a newer server adds one.
 */
export const ErrorResponse = z.object({
  detail: z.union([z.string(), z.array(ValidationIssue)]),
  error: z.string(),
  message: z.string(),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;
