import { z } from 'zod';
import {
  CreatePaymentTokenRequest,
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
  UploadFileQuery,
  ACTION_CLASSES,
  APPROVAL_DECISIONS,
  PAYMENT_TOKEN_STATUSES,
} from '@steward/protocol';

type Json = Record<string, unknown>;

const schema = (type: z.ZodType): Json => z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as Json;
const errorResponse = { description: 'Error body of spec §9.1', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const ok = (description: string, body?: Json): Json => ({ description, ...(body ? { content: { 'application/json': { schema: body } } } : {}) });
const sessionId = { name: 'session_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };

/** Query (or header) parameters of a zod object schema, as OpenAPI parameters. */
function queryParameters(type: z.ZodType, where: 'query' | 'header' = 'query'): Json[] {
  const properties = (schema(type)['properties'] ?? {}) as Record<string, Json>;
  return Object.entries(properties).map(([name, value]) => ({ name, in: where, required: false, schema: value }));
}

function operation(summary: string, options: { params?: Json[]; body?: z.ZodType; ok: Json; codes?: number[] }): Json {
  const responses: Record<string, Json> = { '200': options.ok };
  for (const code of [401, 403, 404, 422, 429, ...(options.codes ?? [])]) responses[String(code)] = errorResponse;
  return {
    summary,
    ...(options.params ? { parameters: options.params } : {}),
    ...(options.body ? { requestBody: { required: false, content: { 'application/json': { schema: schema(options.body) } } } } : {}),
    responses,
  };
}

const Session = { $ref: '#/components/schemas/Session' };
const Success = { type: 'object', properties: { success: { type: 'boolean' }, message: { type: 'string' } } };
const SessionFile = {
  type: 'object',
  required: ['name', 'size', 'source', 'created_at'],
  properties: { name: { type: 'string' }, size: { type: 'integer' }, source: { type: 'string', enum: ['upload', 'download'] }, created_at: { type: 'string', format: 'date-time' } },
};
const fileName = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
/** The error responses of a file route (its success answer is set apart). */
const fileResponses = (codes: number[]): Record<string, Json> =>
  Object.fromEntries([401, 403, 404, 422, 429, ...codes].map((code) => [String(code), errorResponse]));

const tokenId = { name: 'token_id', in: 'path', required: true, schema: { type: 'string', pattern: '^ptok_' } };
const PaymentToken = {
  type: 'object',
  required: ['id', 'last4', 'brand', 'max_amount', 'currency', 'merchant_domains', 'expires_at', 'status', 'created_at', 'spent_at'],
  properties: {
    id: { type: 'string' },
    last4: { type: 'string' },
    brand: { type: 'string' },
    max_amount: { type: ['number', 'null'] },
    currency: { type: 'string' },
    merchant_domains: { type: 'array', items: { type: 'string' } },
    expires_at: { type: ['string', 'null'], format: 'date-time' },
    status: { type: 'string', enum: [...PAYMENT_TOKEN_STATUSES] },
    created_at: { type: 'string', format: 'date-time' },
    spent_at: { type: ['string', 'null'], format: 'date-time' },
  },
};
const Approval = {
  type: 'object',
  required: ['id', 'message_id', 'action', 'digest', 'question', 'decision', 'asked_at'],
  properties: {
    id: { type: 'string' },
    message_id: { type: 'integer', description: 'The QUESTION that asked' },
    action: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: [...ACTION_CLASSES] },
        tool: { type: 'string' },
        element: { type: ['object', 'null'], properties: { role: { type: 'string' }, name: { type: 'string' } } },
        site: { type: 'string' },
        path: { type: 'string' },
      },
    },
    amount: { type: ['number', 'null'] },
    currency: { type: ['string', 'null'] },
    payment_token: { type: ['string', 'null'] },
    digest: { type: 'string', description: 'SHA-256 (hex) of the canonical JSON of the action' },
    question: { type: 'string' },
    answer: { type: ['string', 'null'] },
    decision: { type: 'string', enum: [...APPROVAL_DECISIONS] },
    executed: { type: ['boolean', 'null'] },
    asked_at: { type: 'string', format: 'date-time' },
    answered_at: { type: ['string', 'null'], format: 'date-time' },
  },
};

/**
 * The OpenAPI 3.1 document of the whole API (spec §9.14), built from the protocol's schemas so it
 * cannot drift from what the routes validate.
 */
export function buildOpenApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: { title: 'Steward — Agent Sessions API', version: '1.0.0', description: 'Self-hostable server for autonomous browser-agent sessions.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Error: { type: 'object', required: ['detail', 'error', 'message'], properties: { detail: {}, error: { type: 'string' }, message: { type: 'string' } } },
        Session: {
          type: 'object',
          required: ['session_id', 'agent_name', 'status', 'created_at'],
          properties: {
            session_id: { type: 'string' },
            vnc_url: { type: 'string' },
            agent_name: { type: 'string' },
            status: { type: 'string' },
            created_at: { type: 'string', format: 'date-time' },
            environment_id: { type: 'string' },
            goal: { type: 'string' },
          },
        },
        Message: {
          type: 'object',
          properties: { id: { type: 'integer' }, type: { type: 'string' }, content: {}, timestamp: { type: 'string' }, metadata: { type: 'object' } },
        },
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/sessions': {
        post: operation('Create a session', { body: CreateSessionRequest, ok: ok('The new session (status ready)', Session), codes: [400, 503] }),
        get: operation('List own sessions, newest first', { ok: ok('A bare array of sessions', { type: 'array', items: Session }) }),
        delete: operation('Delete all own sessions', { ok: ok('success, deleted, count, message') }),
      },
      '/v1/sessions/{session_id}': {
        get: operation('Get a session', { params: [sessionId], ok: ok('The session', Session) }),
        delete: operation('Delete a session (optionally saving a snapshot)', { params: [sessionId, ...queryParameters(DeleteSessionQuery)], ok: ok('success, deleted (false for unknown ids), message') }),
      },
      '/v1/sessions/{session_id}/message': {
        post: operation('Send a task, an answer or an update', { params: [sessionId], body: SendMessageRequest, ok: ok('Queued', Success), codes: [400, 409] }),
      },
      '/v1/sessions/{session_id}/status': { get: operation('Execution status', { params: [sessionId], ok: ok('{status}') }) },
      '/v1/sessions/{session_id}/messages': {
        get: operation('Poll messages', { params: [sessionId, ...queryParameters(GetMessagesQuery)], ok: ok('{messages, status, has_agent}', { type: 'object', properties: { messages: { type: 'array', items: { $ref: '#/components/schemas/Message' } }, status: { type: 'string' }, has_agent: { type: 'boolean' } } }) }),
      },
      '/v1/sessions/{session_id}/events': {
        get: operation('Server-Sent Events (Last-Event-ID resumes)', { params: [sessionId, ...queryParameters(StreamEventsQuery), ...queryParameters(StreamEventsHeaders, 'header')], ok: { description: 'text/event-stream' } }),
      },
      '/v1/sessions/{session_id}/pause': { post: operation('Pause the task', { params: [sessionId], ok: ok('Paused', Success), codes: [409] }) },
      '/v1/sessions/{session_id}/resume': { post: operation('Resume the task', { params: [sessionId], ok: ok('Resumed', Success), codes: [409] }) },
      '/v1/sessions/{session_id}/cancel': { post: operation('Cancel the task', { params: [sessionId], ok: ok('Cancelled', Success), codes: [409] }) },
      '/v1/sessions/{session_id}/navigate': {
        post: operation('Navigate the browser', { params: [sessionId], body: NavigateRequest, ok: ok('{current_url}'), codes: [400, 409, 502] }),
      },
      '/v1/sessions/{session_id}/screenshot': { get: operation('JPEG screenshot as a data URL', { params: [sessionId], ok: ok('{screenshot, url, title}') }) },
      '/v1/sessions/{session_id}/live': {
        get: operation('Live view page (vnc_url); accepts ?token= instead of a key', { params: [sessionId, ...queryParameters(LiveTokenQuery)], ok: { description: 'text/html' } }),
      },
      '/v1/sessions/{session_id}/live/stream': {
        get: operation('Live view MJPEG stream; accepts ?token=', { params: [sessionId, ...queryParameters(LiveTokenQuery)], ok: { description: 'multipart/x-mixed-replace of image/jpeg' } }),
      },
      '/v1/sessions/{session_id}/live/input': {
        post: operation('Mouse and keyboard input for the live view; accepts ?token=', { params: [sessionId, ...queryParameters(LiveTokenQuery)], body: LiveInputRequest, ok: ok('Input sent', Success) }),
      },
      '/v1/sessions/{session_id}/files': {
        post: {
          summary: 'Upload a file for the agent (Steward extension); the body is the raw bytes, any media type',
          parameters: [sessionId, ...queryParameters(UploadFileQuery).map((p) => ({ ...p, required: true }))],
          requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          responses: { '201': ok('The stored file; a taken name gets a number: report (1).csv', SessionFile), ...fileResponses([409, 413]) },
        },
        get: operation('List the session files, oldest first (Steward extension)', { params: [sessionId], ok: ok('{files}', { type: 'object', properties: { files: { type: 'array', items: SessionFile } } }) }),
      },
      '/v1/sessions/{session_id}/files/{name}': {
        get: operation('Download a session file (Steward extension)', { params: [sessionId, fileName], ok: { description: 'The bytes, as an attachment', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } }),
        delete: operation('Delete a session file (Steward extension)', { params: [sessionId, fileName], ok: ok('Deleted', Success) }),
      },
      '/v1/payment_tokens': {
        post: {
          ...operation('Create a one-time payment token from a card (Steward extension); the card is never returned', { body: CreatePaymentTokenRequest, ok: ok('unused') }),
          responses: { '201': ok('The token (status active): last4 and brand, never the number or security code', PaymentToken), ...fileResponses([]) },
        },
        get: operation('List own payment tokens, newest first (Steward extension)', { ok: ok('{payment_tokens}', { type: 'object', properties: { payment_tokens: { type: 'array', items: PaymentToken } } }) }),
      },
      '/v1/payment_tokens/{token_id}': {
        get: operation('Get a payment token (Steward extension)', { params: [tokenId], ok: ok('The token', PaymentToken) }),
        delete: operation('Revoke a payment token; its card is forgotten (Steward extension)', { params: [tokenId], ok: ok('The token, status revoked (a spent one stays spent)', PaymentToken) }),
      },
      '/v1/sessions/{session_id}/approvals': {
        get: operation('The approvals the agent asked for, oldest first (Steward extension)', { params: [sessionId], ok: ok('{approvals}', { type: 'object', properties: { approvals: { type: 'array', items: Approval } } }) }),
      },
      '/v1/models': { get: operation('Agent models', { params: queryParameters(ListModelsQuery), ok: ok('{models}') }) },
    },
  };
}
