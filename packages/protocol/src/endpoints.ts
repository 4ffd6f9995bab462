import { z } from 'zod';
import { ApprovalsResponse } from './approvals.ts';
import { CreateDemoSessionRequest } from './demo.ts';
import { StepDesktopRequest, StepDesktopResponse } from './desktop.ts';
import { SseEvent } from './events.ts';
import { SessionFileResponse, SessionFilesResponse, UploadFileQuery } from './files.ts';
import { ReplayResponse, ReplayStepNumber } from './replay.ts';
import { CreatePaymentTokenRequest, PaymentTokenResponse, PaymentTokensResponse } from './payment-tokens.ts';
import {
  CreateSessionRequest,
  DeleteSessionQuery,
  GetMessagesQuery,
  ListModelsQuery,
  LiveInputRequest,
  LiveTokenQuery,
  NavigateRequest,
  SendMessageRequest,
  StreamEventsHeaders,
  StreamEventsQuery,
} from './requests.ts';
import {
  DeleteAllResponse,
  DeleteResponse,
  MessagesResponse,
  ModelsResponse,
  NavigateResponse,
  ScreenshotResponse,
  SessionListResponse,
  SessionResponse,
  StatusResponse,
  SuccessResponse,
} from './responses.ts';

/** `{session_id}` of the session routes. */
export const SessionPath = z.object({ session_id: z.string().meta({ format: 'uuid' }) });
export type SessionPath = z.infer<typeof SessionPath>;
/** `{session_id}/files/{name}`. */
export const SessionFilePath = SessionPath.extend({ name: z.string() });
export type SessionFilePath = z.infer<typeof SessionFilePath>;
/** `{session_id}/replay/{step}`. */
export const ReplayStepPath = SessionPath.extend({ step: ReplayStepNumber });
export type ReplayStepPath = z.infer<typeof ReplayStepPath>;
/** `{token_id}` of the payment token routes. */
export const PaymentTokenPath = z.object({ token_id: z.string().regex(/^ptok_/) });
export type PaymentTokenPath = z.infer<typeof PaymentTokenPath>;

/** A success answer: its status, a description, and its body (a schema, or a media type without one). */
export interface EndpointResponse {
  status: 200 | 201;
  description: string;
  /** The JSON body; absent when the answer is not JSON (`contentType`) or has no schema. */
  schema?: z.ZodType;
  /** A body that is not JSON: `text/event-stream`, `text/html`, bytes. */
  contentType?: string;
}

/**
 * One operation of the API: everything a route validates and answers, in one place. The server's
 * routes parse with these schemas, `buildOpenApiDocument` describes them, and a test holds the
 * routes the server registers to this list.
 */
export interface Endpoint {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path template (`{session_id}`); Fastify's is the same with `:session_id`. */
  path: string;
  summary: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  /** A JSON body, or raw bytes of any media type (`bytes`). */
  body?: z.ZodType | 'bytes';
  response: EndpointResponse;
  /** Error statuses beyond those of every authenticated route (401, 403, 404, 422, 429). */
  errors?: readonly number[];
}

const json = (status: 200 | 201, description: string, schema?: z.ZodType): EndpointResponse => ({ status, description, ...(schema ? { schema } : {}) });
const ok = (description: string, schema?: z.ZodType): EndpointResponse => json(200, description, schema);

/** Every operation the server answers and documents, in the order of `/v1/openapi.json`. */
export const ENDPOINTS = {
  createSession: { method: 'post', path: '/v1/sessions', summary: 'Create a session', body: CreateSessionRequest, response: ok('The new session (status ready)', SessionResponse), errors: [400, 503] },
  listSessions: { method: 'get', path: '/v1/sessions', summary: 'List own sessions, newest first', response: ok('A bare array of sessions', SessionListResponse) },
  deleteAllSessions: { method: 'delete', path: '/v1/sessions', summary: 'Delete all own sessions', response: ok('success, deleted, count, message', DeleteAllResponse) },
  getSession: { method: 'get', path: '/v1/sessions/{session_id}', summary: 'Get a session', params: SessionPath, response: ok('The session', SessionResponse) },
  deleteSession: {
    method: 'delete',
    path: '/v1/sessions/{session_id}',
    summary: 'Delete a session (optionally saving a snapshot)',
    params: SessionPath,
    query: DeleteSessionQuery,
    response: ok('success, deleted (false for unknown ids), message', DeleteResponse),
  },
  sendMessage: {
    method: 'post',
    path: '/v1/sessions/{session_id}/message',
    summary: 'Send a task, an answer or an update',
    params: SessionPath,
    body: SendMessageRequest,
    response: ok('Queued', SuccessResponse),
    errors: [400, 409],
  },
  getStatus: { method: 'get', path: '/v1/sessions/{session_id}/status', summary: 'Execution status', params: SessionPath, response: ok('{status}', StatusResponse) },
  getMessages: {
    method: 'get',
    path: '/v1/sessions/{session_id}/messages',
    summary: 'Poll messages',
    params: SessionPath,
    query: GetMessagesQuery,
    response: ok('{messages, status, has_agent}', MessagesResponse),
  },
  streamEvents: {
    method: 'get',
    path: '/v1/sessions/{session_id}/events',
    summary: 'Server-Sent Events (Last-Event-ID resumes)',
    params: SessionPath,
    query: StreamEventsQuery,
    headers: StreamEventsHeaders,
    response: { status: 200, description: 'text/event-stream', contentType: 'text/event-stream', schema: SseEvent },
  },
  pause: { method: 'post', path: '/v1/sessions/{session_id}/pause', summary: 'Pause the task', params: SessionPath, response: ok('Paused', SuccessResponse), errors: [409] },
  resume: { method: 'post', path: '/v1/sessions/{session_id}/resume', summary: 'Resume the task', params: SessionPath, response: ok('Resumed', SuccessResponse), errors: [409] },
  cancel: { method: 'post', path: '/v1/sessions/{session_id}/cancel', summary: 'Cancel the task', params: SessionPath, response: ok('Cancelled', SuccessResponse), errors: [409] },
  navigate: {
    method: 'post',
    path: '/v1/sessions/{session_id}/navigate',
    summary: 'Navigate the browser',
    params: SessionPath,
    body: NavigateRequest,
    response: ok('{current_url}', NavigateResponse),
    errors: [400, 409, 502],
  },
  screenshot: { method: 'get', path: '/v1/sessions/{session_id}/screenshot', summary: 'JPEG screenshot as a data URL', params: SessionPath, response: ok('{screenshot, url, title}', ScreenshotResponse) },
  stepDesktop: {
    method: 'post',
    path: '/v1/sessions/{session_id}/desktop/step_desktop',
    summary: "A desktop session's step (agent_url + /step_desktop): the client's screenshot in, the agent's actions at screen coordinates out",
    params: SessionPath,
    body: StepDesktopRequest,
    response: ok('{actions, thinking, finished, ask_user, step}', StepDesktopResponse),
    errors: [409, 413],
  },
  livePage: {
    method: 'get',
    path: '/v1/sessions/{session_id}/live',
    summary: 'Live view page (vnc_url); accepts ?token= instead of a key',
    params: SessionPath,
    query: LiveTokenQuery,
    response: { status: 200, description: 'text/html' },
  },
  liveStream: {
    method: 'get',
    path: '/v1/sessions/{session_id}/live/stream',
    summary: 'Live view MJPEG stream; accepts ?token=',
    params: SessionPath,
    query: LiveTokenQuery,
    response: { status: 200, description: 'multipart/x-mixed-replace of image/jpeg' },
  },
  liveInput: {
    method: 'post',
    path: '/v1/sessions/{session_id}/live/input',
    summary: 'Mouse and keyboard input for the live view; accepts ?token=',
    params: SessionPath,
    query: LiveTokenQuery,
    body: LiveInputRequest,
    response: ok('Input sent', SuccessResponse),
  },
  uploadFile: {
    method: 'post',
    path: '/v1/sessions/{session_id}/files',
    summary: 'Upload a file for the agent (Steward extension); the body is the raw bytes, any media type',
    params: SessionPath,
    query: UploadFileQuery,
    body: 'bytes',
    response: json(201, 'The stored file; a taken name gets a number: report (1).csv', SessionFileResponse),
    errors: [409, 413],
  },
  listFiles: { method: 'get', path: '/v1/sessions/{session_id}/files', summary: 'List the session files, oldest first (Steward extension)', params: SessionPath, response: ok('{files}', SessionFilesResponse) },
  getFile: {
    method: 'get',
    path: '/v1/sessions/{session_id}/files/{name}',
    summary: 'Download a session file (Steward extension)',
    params: SessionFilePath,
    response: { status: 200, description: 'The bytes, as an attachment', contentType: 'application/octet-stream' },
  },
  deleteFile: { method: 'delete', path: '/v1/sessions/{session_id}/files/{name}', summary: 'Delete a session file (Steward extension)', params: SessionFilePath, response: ok('Deleted', SuccessResponse) },
  getReplay: {
    method: 'get',
    path: '/v1/sessions/{session_id}/replay',
    summary: "The session's replay: a small JPEG of the page at each agent step, oldest first, and the caps (Steward extension)",
    params: SessionPath,
    response: ok('{steps, max_steps, max_bytes}', ReplayResponse),
  },
  getReplayStep: {
    method: 'get',
    path: '/v1/sessions/{session_id}/replay/{step}',
    summary: "One step's picture of the session's replay (Steward extension)",
    params: ReplayStepPath,
    response: { status: 200, description: 'The JPEG; the bytes of a step never change', contentType: 'image/jpeg' },
  },
  createPaymentToken: {
    method: 'post',
    path: '/v1/payment_tokens',
    summary: 'Create a one-time payment token from a card (Steward extension); the card is never returned',
    body: CreatePaymentTokenRequest,
    response: json(201, 'The token (status active): last4 and brand, never the number or security code', PaymentTokenResponse),
  },
  listPaymentTokens: { method: 'get', path: '/v1/payment_tokens', summary: 'List own payment tokens, newest first (Steward extension)', response: ok('{payment_tokens}', PaymentTokensResponse) },
  getPaymentToken: { method: 'get', path: '/v1/payment_tokens/{token_id}', summary: 'Get a payment token (Steward extension)', params: PaymentTokenPath, response: ok('The token', PaymentTokenResponse) },
  deletePaymentToken: {
    method: 'delete',
    path: '/v1/payment_tokens/{token_id}',
    summary: 'Revoke a payment token; its card is forgotten (Steward extension)',
    params: PaymentTokenPath,
    response: ok('The token, status revoked (a spent one stays spent)', PaymentTokenResponse),
  },
  listApprovals: {
    method: 'get',
    path: '/v1/sessions/{session_id}/approvals',
    summary: 'The approvals the agent asked for, oldest first (Steward extension)',
    params: SessionPath,
    response: ok('{approvals}', ApprovalsResponse),
  },
  createDemoSession: {
    method: 'post',
    path: '/v1/demo/sessions',
    summary: "Start the bundled demo (Steward extension): a session whose task Steward's scripted demo policy, not a language model, runs on the demo shop Steward serves itself",
    body: CreateDemoSessionRequest,
    response: json(201, 'The demo session (demo: true), its task already started', SessionResponse),
    errors: [503],
  },
  listModels: { method: 'get', path: '/v1/models', summary: 'Agent models', query: ListModelsQuery, response: ok('{models}', ModelsResponse) },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/**
 * Routes the server answers that the document leaves out, and why: a test holds the server's
 * routes to `ENDPOINTS` plus these.
 */
export const UNDOCUMENTED_ROUTES = [
  /** Liveness probe for load balancers; no key, no API. */
  { method: 'get', path: '/healthz' },
  /** The document itself. */
  { method: 'get', path: '/v1/openapi.json' },
  /** Lenient alias of `POST …/message` (spec §8.1): clients post `{content}` to the plural path by mistake. */
  { method: 'post', path: '/v1/sessions/{session_id}/messages' },
  /** Prometheus metrics (text format, no key): scraped, not called. */
  { method: 'get', path: '/metrics' },
  /** The web dashboard's pages: HTML for a browser (its built files are under /assets/). */
  { method: 'get', path: '/' },
  { method: 'get', path: '/sessions/{session_id}' },
  { method: 'get', path: '/sessions/{session_id}/replay' },
] as const;
