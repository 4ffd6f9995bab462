import { z } from 'zod';
import { ApprovalActionResponse, ApprovalResponse, ApprovalsResponse } from './approvals.ts';
import { StepDesktopResponse } from './desktop.ts';
import { ENDPOINTS, type Endpoint } from './endpoints.ts';
import { WEBHOOK_EVENTS } from './enums.ts';
import { SseEvent } from './events.ts';
import { SessionFileResponse, SessionFilesResponse } from './files.ts';
import { ReplayResponse, ReplayStepResponse } from './replay.ts';
import { PaymentTokenResponse, PaymentTokensResponse } from './payment-tokens.ts';
import {
  DeleteAllResponse,
  DeleteResponse,
  ErrorResponse,
  MessageResponse,
  MessagesResponse,
  ModelsResponse,
  NavigateResponse,
  ScreenshotResponse,
  SessionListResponse,
  SessionResponse,
  StatusResponse,
  SuccessResponse,
  ValidationIssue,
} from './responses.ts';
import { WebhookBody, WebhookSession } from './webhooks.ts';

type Json = Record<string, unknown>;

/** Statuses every authenticated operation may answer with the error body. */
const COMMON_ERRORS = [401, 403, 404, 422, 429] as const;

/** The named response schemas, as `#/components/schemas/<name>`. */
const COMPONENTS: ReadonlyArray<readonly [string, z.ZodType]> = [
  ['Error', ErrorResponse],
  ['ValidationIssue', ValidationIssue],
  ['Session', SessionResponse],
  ['SessionList', SessionListResponse],
  ['Message', MessageResponse],
  ['Messages', MessagesResponse],
  ['Status', StatusResponse],
  ['Success', SuccessResponse],
  ['Delete', DeleteResponse],
  ['DeleteAll', DeleteAllResponse],
  ['Navigate', NavigateResponse],
  ['Screenshot', ScreenshotResponse],
  ['StepDesktop', StepDesktopResponse],
  ['Models', ModelsResponse],
  ['SessionFile', SessionFileResponse],
  ['SessionFiles', SessionFilesResponse],
  ['ReplayStep', ReplayStepResponse],
  ['Replay', ReplayResponse],
  ['PaymentToken', PaymentTokenResponse],
  ['PaymentTokens', PaymentTokensResponse],
  ['ApprovalAction', ApprovalActionResponse],
  ['Approval', ApprovalResponse],
  ['Approvals', ApprovalsResponse],
  ['SseEvent', SseEvent],
  ['WebhookSession', WebhookSession],
  ['WebhookBody', WebhookBody],
  ...WebhookBody.options.map((option) => [webhookComponent(option.shape.event.value), option] as const),
];

function webhookComponent(event: string): string {
  return `Webhook.${event}`;
}

/** A request schema as clients may send it (defaults optional, before transforms), as today's routes parse it. */
function requestSchema(type: z.ZodType): Json {
  return z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as Json;
}

/**
 * Response schemas as the server writes them. Objects stay open (a newer server may add fields),
 * a timestamp is `format: date-time` without the regex zod checks it with, and an integer has no
 * bounds beyond JavaScript's safe ones.
 */
function responseComponents(): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  const ids = new Map<z.ZodType, string>();
  for (const [id, type] of COMPONENTS) {
    registry.add(type, { id });
    ids.set(type, id);
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ jsonSchema }) => {
      const schema = jsonSchema as Json;
      if (schema['additionalProperties'] === false) delete schema['additionalProperties'];
      if (schema['format'] === 'date-time') delete schema['pattern'];
      if (schema['minimum'] === Number.MIN_SAFE_INTEGER && schema['maximum'] === Number.MAX_SAFE_INTEGER) {
        delete schema['minimum'];
        delete schema['maximum'];
      }
    },
  }) as { schemas: Record<string, Json> };
  for (const schema of Object.values(schemas)) {
    delete schema['$schema'];
    delete schema['$id'];
  }
  return schemas;
}

function ref(type: z.ZodType): Json {
  const entry = COMPONENTS.find(([, t]) => t === type);
  if (entry === undefined) throw new Error('a response schema without a component name: add it to COMPONENTS');
  return { $ref: `#/components/schemas/${entry[0]}` };
}

function parameters(type: z.ZodObject | undefined, where: 'path' | 'query' | 'header'): Json[] {
  if (type === undefined) return [];
  const json = requestSchema(type);
  const required = new Set((json['required'] ?? []) as string[]);
  const properties = (json['properties'] ?? {}) as Record<string, Json>;
  return Object.entries(properties).map(([name, schema]) => ({ name, in: where, required: where === 'path' || required.has(name), schema }));
}

const ERROR_RESPONSE = { description: 'Error body of spec §9.1', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const BYTES = { type: 'string', format: 'binary' };

function success(endpoint: Endpoint): Json {
  const { description, schema, contentType } = endpoint.response;
  // A media type without a schema is bytes: a file, a JPEG.
  if (contentType !== undefined && schema === undefined) return { description, content: { [contentType]: { schema: BYTES } } };
  if (schema === undefined) return { description };
  return { description, content: { [contentType ?? 'application/json']: { schema: ref(schema) } } };
}

function operation(endpoint: Endpoint): Json {
  const params = [...parameters(endpoint.params, 'path'), ...parameters(endpoint.query, 'query'), ...parameters(endpoint.headers, 'header')];
  const body =
    endpoint.body === undefined
      ? undefined
      : endpoint.body === 'bytes'
        ? { required: true, content: { 'application/octet-stream': { schema: BYTES } } }
        : { required: false, content: { 'application/json': { schema: requestSchema(endpoint.body) } } };
  const responses: Record<string, Json> = { [String(endpoint.response.status)]: success(endpoint) };
  for (const status of [...COMMON_ERRORS, ...(endpoint.errors ?? [])]) responses[String(status)] = ERROR_RESPONSE;
  return {
    summary: endpoint.summary,
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of the whole API (spec §9.14), generated from `ENDPOINTS` and the
 * protocol's schemas: requests as clients may send them, responses, SSE events and webhooks as
 * the server writes them. Nothing in it is described a second time.
 */
export function buildOpenApiDocument(): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const endpoint of Object.values(ENDPOINTS) as Endpoint[]) {
    (paths[endpoint.path] ??= {})[endpoint.method] = operation(endpoint);
  }
  const webhooks: Record<string, Json> = {};
  for (const event of WEBHOOK_EVENTS) {
    webhooks[event] = {
      post: {
        summary: `${event}: POSTed to the session's webhook_url, signed the Standard Webhooks way (webhook-id, webhook-timestamp, webhook-signature)`,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${webhookComponent(event)}` } } } },
        responses: { '2XX': { description: 'Received; any other answer is retried with backoff for 30 s' } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Steward — Agent Sessions API', version: '1.0.0', description: 'Self-hostable server for autonomous browser-agent sessions.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas: responseComponents() },
    security: [{ bearer: [] }],
    paths,
    webhooks,
  };
}
