import type {
  DeleteAllResponse,
  DeleteResponse,
  MessagesResponse,
  ModelsResponse,
  NavigateResponse,
  ScreenshotResponse,
  SessionResponse,
  SnapshotMode,
  StatusResponse,
  StepDesktopResponse,
  SuccessResponse,
} from '@steward/protocol';
import { agentPath } from '../desktop/agent-url.ts';
import { screenshotBase64 } from '../desktop/screenshot-base64.ts';
import { camelize, snakify } from '../core/casing.ts';
import type { APIPromise } from '../core/api-promise.ts';
import type { HttpCore, RequestOptions } from '../core/http.ts';
import { streamSessionEvents, type SessionEvent, type StreamEventsOptions } from '../streaming/session-events.ts';
import type { CreateSessionOptions, Messages, NavigateResult, SendMessageOptions, Session, StepResult } from '../types.ts';
import type { Models } from './models.ts';

export const sessionPath = (sessionId: string, rest = ''): string => `/v1/sessions/${encodeURIComponent(sessionId)}${rest}`;

/** Every endpoint of the Agent Sessions API under `/v1/sessions` (spec §1). */
export class Sessions {
  constructor(
    private readonly http: HttpCore,
    private readonly models: Models,
  ) {}

  /** POST /v1/sessions. Not retried once it may have reached the server: a second one would be a second session. */
  create(agentName = 'agi-0', options: CreateSessionOptions = {}, request?: RequestOptions): APIPromise<Session> {
    const body = { agent_name: agentName, ...snakify(options) };
    return this.http.json<SessionResponse>({ method: 'POST', path: '/v1/sessions', json: body }, request).map(camelize);
  }

  list(request?: RequestOptions): APIPromise<Session[]> {
    return this.http.json<SessionResponse[]>({ method: 'GET', path: '/v1/sessions' }, request).map((sessions) => sessions.map(camelize));
  }

  get(sessionId: string, request?: RequestOptions): APIPromise<Session> {
    return this.http.json<SessionResponse>({ method: 'GET', path: sessionPath(sessionId) }, request).map(camelize);
  }

  /** DELETE /v1/sessions/{id}; an unknown id answers `deleted: false`, not an error (spec §1.4). */
  delete(sessionId: string, saveSnapshotMode: SnapshotMode = 'none', request?: RequestOptions & { saveAsDefault?: boolean }): APIPromise<DeleteResponse> {
    const query = { save_snapshot_mode: saveSnapshotMode, save_as_default: request?.saveAsDefault };
    return this.http.json({ method: 'DELETE', path: sessionPath(sessionId), query }, request);
  }

  deleteAll(request?: RequestOptions): APIPromise<DeleteAllResponse> {
    return this.http.json({ method: 'DELETE', path: '/v1/sessions' }, request);
  }

  /** Starts a task, answers a QUESTION, or updates the running task. Never repeated once it may have arrived. */
  sendMessage(sessionId: string, message: string, options: SendMessageOptions = {}, request?: RequestOptions): APIPromise<SuccessResponse> {
    return this.http.json({ method: 'POST', path: sessionPath(sessionId, '/message'), json: { message, ...snakify(options) } }, request);
  }

  getStatus(sessionId: string, request?: RequestOptions): APIPromise<StatusResponse> {
    return this.http.json({ method: 'GET', path: sessionPath(sessionId, '/status') }, request);
  }

  /** Messages with `id > afterId`, oldest first, with the execution status. */
  getMessages(sessionId: string, afterId = 0, sanitize = true, request?: RequestOptions): APIPromise<Messages> {
    const query = { after_id: afterId, sanitize };
    return this.http.json<MessagesResponse>({ method: 'GET', path: sessionPath(sessionId, '/messages'), query }, request).map(camelize);
  }

  /**
   * The session's events as they happen (SSE). Reconnects with `Last-Event-ID` when the connection
   * drops, so no message event is yielded twice or skipped; ends after the event that ends the task.
   */
  streamEvents(sessionId: string, options: StreamEventsOptions = {}): AsyncIterable<SessionEvent> {
    return streamSessionEvents(this.http, (id, sanitize, request) => this.latestMessageId(id, sanitize, request), sessionId, options);
  }

  /** The newest message id visible with `sanitize` (0 when there is none). */
  async latestMessageId(sessionId: string, sanitize = true, request?: RequestOptions): Promise<number> {
    const { messages } = await this.getMessages(sessionId, 0, sanitize, request);
    return messages.reduce((max, message) => Math.max(max, message.id), 0);
  }

  pause(sessionId: string, request?: RequestOptions): APIPromise<SuccessResponse> {
    return this.http.json({ method: 'POST', path: sessionPath(sessionId, '/pause') }, request);
  }

  resume(sessionId: string, request?: RequestOptions): APIPromise<SuccessResponse> {
    return this.http.json({ method: 'POST', path: sessionPath(sessionId, '/resume') }, request);
  }

  cancel(sessionId: string, request?: RequestOptions): APIPromise<SuccessResponse> {
    return this.http.json({ method: 'POST', path: sessionPath(sessionId, '/cancel') }, request);
  }

  /** Navigating twice to one URL leaves the browser where once does, so this POST may be retried. */
  navigate(sessionId: string, url: string, request?: RequestOptions): APIPromise<NavigateResult> {
    return this.http.json<NavigateResponse>({ method: 'POST', path: sessionPath(sessionId, '/navigate'), json: { url }, idempotent: true }, request).map(camelize);
  }

  /** A JPEG of the page as a data URL, with its URL and title. */
  screenshot(sessionId: string, request?: RequestOptions): APIPromise<ScreenshotResponse> {
    return this.http.json({ method: 'GET', path: sessionPath(sessionId, '/screenshot') }, request);
  }

  /**
   * One step of a desktop session (`POST {agentUrl}/step_desktop`): the client's screenshot (PNG
   * or JPEG, as bytes or base64) in, the actions to perform at its pixel coordinates out. The
   * first step's `message` is the task; while the agent waits (`askUser`), the next one's is the
   * answer. Not repeated once it may have arrived: a second one would be a second step.
   */
  step(agentUrl: string, sessionId: string, screenshot: string | Uint8Array, message?: string, request?: RequestOptions): APIPromise<StepResult> {
    const json = { screenshot: screenshotBase64(screenshot), session_id: sessionId, ...(message === undefined ? {} : { message }) };
    return this.http.json<StepDesktopResponse>({ method: 'POST', path: `${agentPath(agentUrl, this.http.config.baseUrl)}/step_desktop`, json }, request).map(camelize);
  }

  /** The public SDK's spelling of `client.models.list`. */
  listModels(filter?: 'cdp' | 'desktop', request?: RequestOptions): APIPromise<ModelsResponse> {
    return this.models.list(filter, request);
  }
}
