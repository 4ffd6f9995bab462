import type { Readable } from 'node:stream';
import type { AgentName, ExecutionStatus, SnapshotMode } from '@steward/protocol';
import type { LiveInput, ScreencastFrame } from '../browser/port.ts';
import type { ScreenStep } from '../browser/client-screen.ts';
import type { Subscription } from '../bus/port.ts';
import type { ApprovalRecord, MessageRecord, SessionRecord } from '../domain/index.ts';
import type { StoredFile } from '../files/index.ts';
import type { ReplayFrame, ReplayLimits } from '../replay/index.ts';
import type { PaymentTokenService } from './payment-tokens.ts';
import type { SessionEvent } from './session-events.ts';
import type { SessionSummary } from './session-summaries.ts';

export interface CreateSessionInput {
  agentName: AgentName;
  webhookUrl?: string | undefined;
  maxSteps: number;
  goal?: string | undefined;
  restoreFromEnvironmentId?: string | undefined;
  restoreFromSessionId?: string | undefined;
  restoreDefaultEnvironment?: boolean | undefined;
  /** Per-session domain lists for the egress firewall. */
  egress?: { allowDomains?: string[] | undefined; denyDomains?: string[] | undefined } | undefined;
  options: Record<string, unknown>;
  /** `secrets` of the request (see `SessionSecretService.parse`); kept sealed, never in `options`. */
  secrets?: unknown;
}

export interface SendMessageInput {
  message: string;
  startUrl?: string | undefined;
  configUpdates?: Record<string, unknown> | undefined;
}

/** A desktop session's step, as the route received it. */
export interface DesktopStepInput {
  /** Base64 PNG or JPEG (or a data URL of one). */
  screenshot: string;
  /** The task, a follow-up or the answer to the agent's question. */
  message?: string | undefined;
}

export interface MessagesView {
  messages: MessageRecord[];
  status: ExecutionStatus;
  hasAgent: boolean;
}

/** A session's files: uploads for its browser, its downloads. */
export interface SessionFilesApi {
  /** Why a file may not have this name, or undefined when it may. */
  nameProblem(name: string): string | undefined;
  upload(apiKeyId: string, sessionId: string, name: string, body: Readable, declaredBytes: number | undefined): Promise<StoredFile>;
  list(apiKeyId: string, sessionId: string): Promise<StoredFile[]>;
  open(apiKeyId: string, sessionId: string, name: string): Promise<{ file: StoredFile; stream: Readable }>;
  delete(apiKeyId: string, sessionId: string, name: string): Promise<void>;
}

/** A session's step pictures. */
export interface SessionReplaysApi {
  readonly limits: ReplayLimits;
  list(apiKeyId: string, sessionId: string): Promise<ReplayFrame[]>;
  open(apiKeyId: string, sessionId: string, step: number): Promise<{ frame: ReplayFrame; jpeg: Buffer }>;
}

/**
 * What the HTTP edge asks of sessions: exactly the methods the routes and the auth hook call,
 * files, replays and payment tokens included. Methods that take an API key id answer 404 for
 * sessions of other keys. The routes depend on this, not on a class, so two implementations stand
 * behind them: embedded mode and a worker hand them the `SessionService` that runs sessions in
 * this process (`worker/`); a cluster API node (`cluster/cluster-sessions.ts`) keeps reads on the
 * shared store and sends commands to the worker that owns the session.
 */
export interface Sessions {
  create(apiKeyId: string, input: CreateSessionInput): Promise<SessionRecord>;
  createDemo(apiKeyId: string): Promise<SessionRecord>;
  get(apiKeyId: string, sessionId: string): Promise<SessionRecord>;
  list(apiKeyId: string): Promise<SessionRecord[]>;
  /** The task and last message of each session, for list and get. */
  summaries(records: readonly SessionRecord[]): Promise<Map<string, SessionSummary>>;
  /** False when the session does not exist for this key (the API still answers 200). */
  delete(apiKeyId: string, sessionId: string, snapshot?: { mode: SnapshotMode; asDefault: boolean }): Promise<boolean>;
  deleteAll(apiKeyId: string): Promise<number>;
  sendMessage(apiKeyId: string, sessionId: string, input: SendMessageInput): Promise<void>;
  status(apiKeyId: string, sessionId: string): Promise<ExecutionStatus>;
  messages(apiKeyId: string, sessionId: string, options: { afterId: number; sanitize: boolean }): Promise<MessagesView>;
  /** Stored messages after `afterId`, for SSE's replay and gap filling (the caller checked the key). */
  history(sessionId: string, afterId: number, includeInternal: boolean): Promise<MessageRecord[]>;
  /** Live events of one session (messages, pause/resume, close), for SSE. */
  subscribe(sessionId: string, onEvent: (event: SessionEvent) => void): Subscription;
  pause(apiKeyId: string, sessionId: string): Promise<void>;
  resume(apiKeyId: string, sessionId: string): Promise<void>;
  cancel(apiKeyId: string, sessionId: string): Promise<void>;
  navigate(apiKeyId: string, sessionId: string, url: string): Promise<string>;
  screenshot(apiKeyId: string, sessionId: string): Promise<{ jpeg: Buffer; url: string; title: string }>;
  stepDesktop(apiKeyId: string, sessionId: string, input: DesktopStepInput, signal: AbortSignal): Promise<ScreenStep>;
  /** What the agent asked the user to approve in this session, and the answers, oldest first. */
  approvals(apiKeyId: string, sessionId: string): Promise<ApprovalRecord[]>;
  /** `vnc_url`: the dashboard's live page with a token, or undefined (desktop sessions). */
  liveUrl(record: SessionRecord): string | undefined;
  /** `agent_url` of a desktop session: `POST {agent_url}/step_desktop` runs its steps. */
  agentUrl(record: SessionRecord): string | undefined;
  isLiveToken(sessionId: string, token: string): boolean;
  /** The session when the key owns it or the live-view token is its own; 404 otherwise. */
  authorizeLive(access: { apiKeyId?: string | undefined; token?: string | undefined }, sessionId: string): Promise<SessionRecord>;
  /** Screen frames of an authorized session until `stop`; `onEnd` when the session goes away. */
  liveStream(record: SessionRecord, onFrame: (frame: ScreencastFrame) => void, onEnd: () => void): Promise<{ stop(): Promise<void> }>;
  liveInput(record: SessionRecord, event: LiveInput): Promise<void>;
  readonly files: SessionFilesApi;
  readonly replays: SessionReplaysApi;
  readonly paymentTokens: Pick<PaymentTokenService, 'create' | 'list' | 'get' | 'revoke'>;
}
