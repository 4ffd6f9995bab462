export { Steward, liveViewWithToken, type ClientOptions } from './client.ts';
export { APIPromise, type WithResponse } from './core/api-promise.ts';
export type { Fetch, RequestOptions } from './core/http.ts';
export {
  AgentExecutionError,
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  StewardError,
  TaskTimeoutError,
  ValidationError,
} from './core/errors.ts';
export type { Approvals } from './resources/approvals.ts';
export type { Demo } from './resources/demo.ts';
export type { Files, FileBody } from './resources/files.ts';
export type { LiveView, LiveInput, LiveViewOptions } from './resources/live-view.ts';
export type { Models } from './resources/models.ts';
export type { PaymentTokens } from './resources/payment-tokens.ts';
export type { Replay } from './resources/replay.ts';
export type { Sessions } from './resources/sessions.ts';
export { SessionContext } from './session/session-context.ts';
export { AgentLoop, type AgentLoopOptions, type AgentLoopState } from './desktop/agent-loop.ts';
export type { RunTaskOptions, TaskMetadata, TaskResult, TaskUsage } from './session/run-task.ts';
export type { SessionEvent, StreamEventsOptions } from './streaming/session-events.ts';
export type * from './types.ts';
export type {
  ApprovalActionResponse,
  ApprovalPolicy,
  DeleteAllResponse,
  DeleteResponse,
  DesktopAction,
  EventType,
  ExecutionStatus,
  MessageResponse as Message,
  MessageType,
  ModelsResponse,
  ScreenshotResponse,
  SessionStatus,
  SnapshotMode,
  StatusResponse,
  SuccessResponse,
  ValidationIssue,
} from '@steward/protocol';
