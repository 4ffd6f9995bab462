import type { AgentName, EventType, ExecutionStatus, MessageType, SessionStatus } from './enums.ts';

/** A session as the wire shows it (spec §1.1, §1.3). */
export interface SessionResponse {
  session_id: string;
  vnc_url?: string;
  agent_name: AgentName;
  status: SessionStatus;
  created_at: string;
  environment_id?: string;
  goal?: string;
  agent_session_type?: string;
}

/** One message (spec §3). */
export interface MessageResponse {
  id: number;
  type: MessageType;
  content: string | Record<string, unknown> | unknown[];
  timestamp: string;
  metadata: Record<string, unknown>;
}

export interface MessagesResponse {
  messages: MessageResponse[];
  status: ExecutionStatus;
  has_agent: boolean;
}

export interface StatusResponse {
  status: ExecutionStatus;
}

export interface SuccessResponse {
  success: true;
  message: string;
}

export interface DeleteResponse {
  success: true;
  deleted: boolean;
  message: string;
}

export interface DeleteAllResponse extends DeleteResponse {
  count: number;
}

export interface NavigateResponse {
  current_url: string;
}

export interface ScreenshotResponse {
  screenshot: string;
  url: string;
  title: string;
}

export interface ModelsResponse {
  models: string[];
}

/** Error body of spec §9.1. For 422, `detail` is the FastAPI list. */
export interface ErrorResponse {
  detail: string | ValidationIssue[];
  error: string;
  message: string;
}

export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** SSE payloads (spec §2.5, §9.9). */
export interface SseEventPayloads {
  step: { text: string; message_id: number; action?: { tool: string; args: Record<string, unknown> }; url?: string };
  thought: { text: string; message_id: number };
  question: { text: string; message_id: number };
  done: { text: string; result: unknown; message_id: number };
  error: { error: string; status_code: number; message_id?: number };
  log: { text: string; message_id: number };
  user: { text: string; message_id: number };
  paused: { timestamp: string };
  resumed: { timestamp: string };
  heartbeat: { timestamp: string };
}

export type SseEvent = { [K in EventType]: { event: K; id?: number; data: SseEventPayloads[K] } }[EventType];
