import type { WebhookEvent } from '@steward/protocol';
import type { BrowserPool } from '../browser/port.ts';
import type { EventBus } from '../bus/port.ts';
import { AppError } from '../errors/index.ts';
import type { LanguageModel, ModelRegistry } from '../llm/port.ts';
import type { SessionFileStore } from '../files/index.ts';
import type { ReplayStore } from '../replay/index.ts';
import type { Store } from '../store/index.ts';
import type { MessageRecord, NewMessage, SessionRecord } from '../domain/index.ts';
import type { Clock } from '../util/index.ts';
import type { SessionEvent } from '../sessions/session-events.ts';
import type { SessionRuntime } from './session-runtime.ts';
import { webhookPayloads, type WebhookSession } from '../sessions/webhooks/index.ts';
import { transition, type SessionTransition } from '../sessions/state-machine.ts';
import { SessionActivity } from '../sessions/session-activity.ts';
import { VisibleMessageCache } from './visible-message-cache.ts';
import type { LiveViewTokens } from '../sessions/live-view-tokens.ts';
import { isDemoSession, type DemoKit } from '../sessions/demo-sessions.ts';
import type { SessionOwnership } from '../sessions/session-ownership.ts';
import type { Logger } from '../sessions/logger.ts';
import { TaskCheckpoints } from './task-checkpoints.ts';

/** Fire-and-forget delivery of webhook events (`WebhookDispatcher`, or a fake in unit tests). */
export interface WebhookSink {
  send(url: string, event: WebhookEvent, session: WebhookSession, extra: Record<string, unknown>): void;
}

export interface SessionLimits {
  maxSessions: number;
  sessionIdleTimeoutMs: number;
  sessionMaxLifetimeMs: number;
  taskTimeoutMs: number;
  modelTimeoutMs: number;
}

export interface SessionDeps {
  store: Store;
  browsers: BrowserPool;
  models: ModelRegistry;
  bus: EventBus<SessionEvent>;
  webhooks: WebhookSink;
  clock: Clock;
  logger: Logger;
  limits: SessionLimits;
  /** Human hint shown when no model is configured. */
  modelHelp: string;
  /** USD per million input/output tokens, by agent name (cost accounting; optional). */
  prices?: Readonly<Record<string, { input: number; output: number }>> | undefined;
  /** Live view: token signer and the public base URL (known once the server listens). */
  liveView: { tokens: LiveViewTokens; baseUrl: () => string };
  /**
   * STEWARD_SCREENING_MODEL: classifies what the screening rules are unsure about. Unset: the
   * task's own model does (docs/trust-and-safety.md).
   */
  screeningModel?: LanguageModel | undefined;
  /** `all`: the classifier also sees what the rules allow (STEWARD_SCREENING_SCOPE). */
  screeningScope?: 'uncertain' | 'all' | undefined;
  /** Where sessions keep their files (uploads, downloads); without it the file routes answer 404. */
  files?: SessionFileStore | undefined;
  /** The bundled demo (`POST /v1/demo/sessions`); without it that route answers 404. */
  demo?: DemoKit | undefined;
  /** Where sessions keep a picture of each agent step (the replay); without it none is taken. */
  replay?: ReplayStore | undefined;
  /** Cluster mode (a worker): the leases on its sessions; with it, running tasks save checkpoints. */
  ownership?: SessionOwnership | undefined;
}

/**
 * Shared machinery of the session service and the task controller: the live runtimes, storing a
 * message and publishing it, and applying a state transition with its side effects. Callers
 * hold the session's lock.
 */
export class SessionCore {
  readonly runtimes = new Map<string, SessionRuntime>();
  readonly visibleMessages: VisibleMessageCache;
  readonly activity = new SessionActivity();
  /** Cluster mode only: where running tasks save what an adopting worker restores. */
  readonly checkpoints: TaskCheckpoints | undefined;
  /**
   * Records of live sessions. Every write to a session row goes through this class (`apply`,
   * `remember`, `forget`), and one process owns its sessions, so reads on the polling path skip
   * the store.
   */
  private readonly records = new Map<string, SessionRecord>();

  constructor(readonly deps: SessionDeps) {
    this.visibleMessages = new VisibleMessageCache(deps.store);
    this.checkpoints = deps.ownership === undefined ? undefined : new TaskCheckpoints(deps.store, deps.clock, deps.logger);
  }

  /** The session if it exists and belongs to `apiKeyId`; otherwise 404, never 403 (spec §1.3). */
  async owned(apiKeyId: string, sessionId: string): Promise<SessionRecord> {
    const record = await this.read(sessionId);
    if (!record || record.apiKeyId !== apiKeyId) throw new AppError('session_not_found');
    return record;
  }

  /** The model that runs this session's tasks: a demo session's is the demo policy, whatever is configured. */
  modelFor(record: SessionRecord): LanguageModel | undefined {
    return isDemoSession(record) ? this.deps.demo?.model : this.deps.models.forAgent(record.agentName);
  }

  /** The current record, from memory for live sessions. */
  async read(sessionId: string): Promise<SessionRecord | undefined> {
    const cached = this.records.get(sessionId);
    if (cached) return cached;
    const record = await this.deps.store.getSession(sessionId);
    if (record && this.runtimes.has(sessionId)) this.records.set(sessionId, record);
    return record;
  }

  remember(record: SessionRecord): void {
    if (this.runtimes.has(record.id)) this.records.set(record.id, record);
  }

  forget(sessionId: string): void {
    this.records.delete(sessionId);
  }

  async append(sessionId: string, message: NewMessage): Promise<MessageRecord> {
    const stored = await this.deps.store.appendMessage(sessionId, message);
    this.visibleMessages.onAppend(stored);
    this.activity.onAppend(stored);
    this.deps.bus.publish(sessionId, { kind: 'message', message: stored });
    return stored;
  }

  /**
   * Moves the session to the next state (or throws the client-facing error), persists it, and
   * sends `session.status_changed` when the lifecycle status changed.
   */
  async apply(record: SessionRecord, event: SessionTransition): Promise<SessionRecord> {
    const next = transition(record, event);
    if (next.status === record.status && next.executionStatus === record.executionStatus) return record;
    const updated = await this.deps.store.updateSession(record.id, { ...next, updatedAt: this.deps.clock.now() });
    if (!updated) throw new AppError('session_not_found');
    this.remember(updated);
    if (updated.status !== record.status) {
      this.webhook(updated, 'session.status_changed', webhookPayloads.statusChanged(record.status, updated.status));
    }
    return updated;
  }

  webhook(record: SessionRecord, event: WebhookEvent, extra: Record<string, unknown> = {}): void {
    if (!record.webhookUrl) return;
    const vncUrl = this.liveUrl(record);
    this.deps.webhooks.send(record.webhookUrl, event, vncUrl === undefined ? record : { ...record, vncUrl }, extra);
  }

  /** `vnc_url`: the dashboard page of a live session, with the capability token of its live view. */
  liveUrl(record: SessionRecord): string | undefined {
    if (!this.runtimes.has(record.id)) return undefined;
    const { tokens, baseUrl } = this.deps.liveView;
    return `${baseUrl()}/sessions/${record.id}?token=${tokens.tokenFor(record.id)}`;
  }

  touch(sessionId: string): void {
    const runtime = this.runtimes.get(sessionId);
    if (runtime) runtime.lastActivity = this.deps.clock.now().getTime();
  }
}
