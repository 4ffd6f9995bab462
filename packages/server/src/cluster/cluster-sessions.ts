import { Readable } from 'node:stream';
import type { ExecutionStatus, SnapshotMode } from '@steward/protocol';
import type { LiveInput, ScreencastFrame } from '../browser/port.ts';
import type { ScreenStep } from '../browser/client-screen.ts';
import { CommandUnreachableError, type CommandBus } from '../bus/command-bus.ts';
import type { EventBus, Subscription } from '../bus/port.ts';
import { AppError } from '../errors/index.ts';
import { checkFileName } from '../files/index.ts';
import type { ReplayFrame, ReplayLimits } from '../replay/index.ts';
import {
  isDesktopSession,
  PaymentTokens,
  summarizeSessions,
  type CreateSessionInput,
  type DesktopStepInput,
  type LiveViewTokens,
  type Logger,
  type MessagesView,
  type SendMessageInput,
  type SessionEvent,
  type Sessions,
  type SessionSummary,
  type StoredFile,
} from '../sessions/index.ts';
import type { Store } from '../store/index.ts';
import type { ApprovalRecord, MessageRecord, SessionRecord, WorkerRecord } from '../domain/index.ts';
import { delay, newId, type Clock } from '../util/index.ts';
import { formatBytes } from '../util/format-bytes.ts';
import { commandTimeoutMs, LIVE_STREAM_KEEPALIVE_MS, type LiveAccess, type SessionCommandName, type SessionCommands } from './session-commands.ts';
import { fromBase64, type LiveFrameEvent } from './wire-codecs.ts';

export interface ClusterSessionsOptions {
  store: Store;
  commands: CommandBus;
  events: EventBus<SessionEvent>;
  liveFrames: EventBus<LiveFrameEvent>;
  liveTokens: LiveViewTokens;
  /** The public base URL of the API (STEWARD_PUBLIC_URL, or where this node listens). */
  baseUrl: () => string;
  clock: Clock;
  logger: Logger;
  /** STEWARD_LEASE_TTL_S: a worker silent this long is not placed on, and its leases are expired. */
  leaseTtlMs: number;
  /** Whether the cluster has a model (the `has_agent` of a message list). */
  hasModel: boolean;
  limits: { navigationTimeoutMs: number; modelTimeoutMs: number; maxFileBytes: number; replay: ReplayLimits };
}

/** Polling counts as activity for a session's idle timeout at most this often per session. */
const TOUCH_EVERY_MS = 10_000;
/** Tries of one command when its worker is being replaced (the lease moves within a heartbeat). */
const COMMAND_TRIES = 3;

/**
 * The sessions of an API node in cluster mode: nothing runs here. Reads (sessions, messages,
 * approvals, summaries, payment tokens) are the shared store's; live events come from the Redis
 * event bus; everything that acts on a session is a command for the worker that holds its lease,
 * and a new session goes to the live worker with the most free capacity. The workers check keys
 * and states as embedded mode does, so answers and errors are the same.
 */
export class ClusterSessions implements Sessions {
  readonly paymentTokens: PaymentTokens;
  readonly files: Sessions['files'];
  readonly replays: Sessions['replays'];
  private readonly touchedAt = new Map<string, number>();
  /**
   * Sessions this node placed on each worker since that worker's last heartbeat: a burst of
   * creates between two heartbeats spreads by free capacity instead of all going to one worker.
   */
  private readonly placedSince = new Map<string, { heartbeatAt: number; placed: number }>();
  /** Commands sent and not yet answered: this node's queue towards the workers (`/metrics`). */
  private commandsPending = 0;

  constructor(private readonly options: ClusterSessionsOptions) {
    this.paymentTokens = new PaymentTokens(options.store, options.clock);
    this.files = this.fileCommands();
    this.replays = this.replayCommands();
  }

  /**
   * Commands this node sent to workers that have no answer, error or timeout yet, touches
   * included: a number that climbs while workers are slow or stuck, before clients see errors.
   */
  commandsInFlight(): number {
    return this.commandsPending;
  }

  // ---- sessions ---------------------------------------------------------------------------

  async create(apiKeyId: string, input: CreateSessionInput): Promise<SessionRecord> {
    return this.read(await this.place('create', { apiKeyId, input }));
  }

  async createDemo(apiKeyId: string): Promise<SessionRecord> {
    return this.read(await this.place('createDemo', { apiKeyId }));
  }

  async get(apiKeyId: string, sessionId: string): Promise<SessionRecord> {
    const record = await this.options.store.getSession(sessionId);
    if (!record || record.apiKeyId !== apiKeyId) throw new AppError('session_not_found');
    this.touch(record);
    return record;
  }

  list(apiKeyId: string): Promise<SessionRecord[]> {
    return this.options.store.listSessions(apiKeyId);
  }

  summaries(records: readonly SessionRecord[]): Promise<Map<string, SessionSummary>> {
    return summarizeSessions(this.options.store, records);
  }

  async delete(apiKeyId: string, sessionId: string, snapshot: { mode: SnapshotMode; asDefault: boolean } = { mode: 'none', asDefault: false }): Promise<boolean> {
    const record = await this.options.store.getSession(sessionId);
    if (!record || record.apiKeyId !== apiKeyId) return false;
    return (await this.send('delete', sessionId, { apiKeyId, sessionId, snapshot })) === true;
  }

  async deleteAll(apiKeyId: string): Promise<number> {
    const sessions = await this.options.store.listSessions(apiKeyId);
    const results = await Promise.all(sessions.map((s) => this.delete(apiKeyId, s.id)));
    return results.filter(Boolean).length;
  }

  async sendMessage(apiKeyId: string, sessionId: string, input: SendMessageInput): Promise<void> {
    await this.get(apiKeyId, sessionId);
    await this.send('sendMessage', sessionId, { apiKeyId, sessionId, input });
  }

  async pause(apiKeyId: string, sessionId: string): Promise<void> {
    await this.get(apiKeyId, sessionId);
    await this.send('pause', sessionId, { apiKeyId, sessionId });
  }

  async resume(apiKeyId: string, sessionId: string): Promise<void> {
    await this.get(apiKeyId, sessionId);
    await this.send('resume', sessionId, { apiKeyId, sessionId });
  }

  async cancel(apiKeyId: string, sessionId: string): Promise<void> {
    await this.get(apiKeyId, sessionId);
    await this.send('cancel', sessionId, { apiKeyId, sessionId });
  }

  async status(apiKeyId: string, sessionId: string): Promise<ExecutionStatus> {
    return (await this.get(apiKeyId, sessionId)).executionStatus;
  }

  async messages(apiKeyId: string, sessionId: string, options: { afterId: number; sanitize: boolean }): Promise<MessagesView> {
    const record = await this.get(apiKeyId, sessionId);
    const messages = await this.options.store.listMessages(sessionId, { afterId: options.afterId, includeInternal: !options.sanitize });
    return { messages, status: record.executionStatus, hasAgent: this.options.hasModel && record.status !== 'terminated' && record.status !== 'error' };
  }

  history(sessionId: string, afterId: number, includeInternal: boolean): Promise<MessageRecord[]> {
    return this.options.store.listMessages(sessionId, { afterId, includeInternal });
  }

  subscribe(sessionId: string, onEvent: (event: SessionEvent) => void): Subscription {
    return this.options.events.subscribe(sessionId, { onEvent });
  }

  async approvals(apiKeyId: string, sessionId: string): Promise<ApprovalRecord[]> {
    await this.get(apiKeyId, sessionId);
    return this.options.store.listApprovals(sessionId);
  }

  async navigate(apiKeyId: string, sessionId: string, url: string): Promise<string> {
    await this.get(apiKeyId, sessionId);
    return String(await this.send('navigate', sessionId, { apiKeyId, sessionId, url }));
  }

  async screenshot(apiKeyId: string, sessionId: string): Promise<{ jpeg: Buffer; url: string; title: string }> {
    await this.get(apiKeyId, sessionId);
    const shot = (await this.send('screenshot', sessionId, { apiKeyId, sessionId })) as { jpeg: string; url: string; title: string };
    return { jpeg: fromBase64(shot.jpeg), url: shot.url, title: shot.title };
  }

  /** The client's disconnect does not cross to the worker: the step ends there on its own bounds. */
  async stepDesktop(apiKeyId: string, sessionId: string, input: DesktopStepInput, _signal: AbortSignal): Promise<ScreenStep> {
    await this.get(apiKeyId, sessionId);
    return (await this.send('stepDesktop', sessionId, { apiKeyId, sessionId, input: { screenshot: input.screenshot, message: input.message } })) as ScreenStep;
  }

  // ---- live view --------------------------------------------------------------------------

  liveUrl(record: SessionRecord): string | undefined {
    if (isDesktopSession(record) || record.status === 'terminated') return undefined;
    return `${this.options.baseUrl()}/sessions/${record.id}?token=${this.options.liveTokens.tokenFor(record.id)}`;
  }

  agentUrl(record: SessionRecord): string | undefined {
    if (!isDesktopSession(record) || record.status === 'terminated') return undefined;
    return `${this.options.baseUrl()}/v1/sessions/${record.id}/desktop`;
  }

  isLiveToken(sessionId: string, token: string): boolean {
    return this.options.liveTokens.verify(sessionId, token);
  }

  async authorizeLive(access: LiveAccess, sessionId: string): Promise<SessionRecord> {
    let record: SessionRecord | undefined;
    if (access.apiKeyId) record = await this.get(access.apiKeyId, sessionId);
    else {
      record = await this.options.store.getSession(sessionId);
      if (!record || access.token === undefined || !this.options.liveTokens.verify(sessionId, access.token)) throw new AppError('session_not_found');
      this.touch(record);
    }
    if (isDesktopSession(record)) throw new AppError('wrong_session_kind', { detail: "A desktop session has no live view: its screen is the client's own." });
    return record;
  }

  /**
   * Frames of the owning worker's screencast, through Redis: this node subscribes to a channel of
   * its own for the stream, then asks the worker to start; it keeps the stream alive while it
   * lasts, so a stream whose node went away stops on the worker by itself.
   */
  async liveStream(record: SessionRecord, onFrame: (frame: ScreencastFrame) => void, onEnd: () => void): Promise<{ stop(): Promise<void> }> {
    if (record.status === 'terminated') throw new AppError('session_terminated');
    const streamId = newId();
    const frames = this.options.liveFrames.subscribe(streamId, {
      onEvent: (event) => (event.kind === 'frame' ? onFrame({ jpeg: fromBase64(event.jpeg), width: event.width, height: event.height }) : onEnd()),
    });
    const closed = this.options.events.subscribe(record.id, { onEvent: (event) => event.kind === 'closed' && onEnd() });
    const access = { apiKeyId: record.apiKeyId };
    try {
      await frames.ready;
      await this.send('liveStart', record.id, { access, sessionId: record.id, streamId });
    } catch (error) {
      frames.unsubscribe();
      closed.unsubscribe();
      throw error;
    }
    const keep = setInterval(() => {
      this.send('liveKeep', record.id, { streamId }).then(
        (alive) => alive === false && onEnd(),
        () => onEnd(),
      );
    }, LIVE_STREAM_KEEPALIVE_MS);
    keep.unref();
    return {
      stop: async () => {
        clearInterval(keep);
        frames.unsubscribe();
        closed.unsubscribe();
        await this.send('liveStop', record.id, { streamId }).catch(() => undefined);
      },
    };
  }

  async liveInput(record: SessionRecord, event: LiveInput): Promise<void> {
    if (record.status === 'terminated') throw new AppError('session_terminated');
    await this.send('liveInput', record.id, { access: { apiKeyId: record.apiKeyId }, sessionId: record.id, event });
  }

  // ---- files and replays ------------------------------------------------------------------

  private fileCommands(): Sessions['files'] {
    return {
      nameProblem: (name) => checkFileName(name.normalize('NFC')),
      upload: async (apiKeyId, sessionId, name, body, declaredBytes) => {
        await this.get(apiKeyId, sessionId);
        const bytes = await readBounded(body, declaredBytes, this.options.limits.maxFileBytes);
        return reviveFile((await this.send('filesUpload', sessionId, { apiKeyId, sessionId, name, base64: bytes.toString('base64') })) as StoredFile);
      },
      list: async (apiKeyId, sessionId) => {
        await this.get(apiKeyId, sessionId);
        return ((await this.send('filesList', sessionId, { apiKeyId, sessionId })) as StoredFile[]).map(reviveFile);
      },
      open: async (apiKeyId, sessionId, name) => {
        await this.get(apiKeyId, sessionId);
        const { file, base64 } = (await this.send('filesOpen', sessionId, { apiKeyId, sessionId, name })) as { file: StoredFile; base64: string };
        return { file: reviveFile(file), stream: Readable.from([fromBase64(base64)]) };
      },
      delete: async (apiKeyId, sessionId, name) => {
        await this.get(apiKeyId, sessionId);
        await this.send('filesDelete', sessionId, { apiKeyId, sessionId, name });
      },
    };
  }

  private replayCommands(): Sessions['replays'] {
    const { replay } = this.options.limits;
    return {
      limits: replay,
      list: async (apiKeyId, sessionId) => {
        await this.get(apiKeyId, sessionId);
        return ((await this.send('replaysList', sessionId, { apiKeyId, sessionId })) as ReplayFrame[]).map(reviveFrame);
      },
      open: async (apiKeyId, sessionId, step) => {
        await this.get(apiKeyId, sessionId);
        const { frame, jpeg } = (await this.send('replaysOpen', sessionId, { apiKeyId, sessionId, step })) as { frame: ReplayFrame; jpeg: string };
        return { frame: reviveFrame(frame), jpeg: fromBase64(jpeg) };
      },
    };
  }

  // ---- routing ----------------------------------------------------------------------------

  private async read(sessionId: string): Promise<SessionRecord> {
    const record = await this.options.store.getSession(sessionId);
    if (!record) throw new AppError('session_not_found');
    return record;
  }

  /** Workers heard from within the lease time, most free capacity first. */
  private liveWorkers(): Promise<WorkerRecord[]> {
    return this.options.store.liveWorkers(new Date(this.options.clock.now().getTime() - this.options.leaseTtlMs));
  }

  /** Sends a new session to the live worker with the most room; a full or silent one passes it on. */
  private async place<K extends 'create' | 'createDemo'>(name: K, payload: SessionCommands[K]): Promise<string> {
    const workers = await this.liveWorkers();
    if (workers.length === 0) throw new AppError('worker_unavailable', { retryAfter: 5, detail: 'No browser worker is live: start one (STEWARD_ROLE=worker), or retry once it has joined.' });
    const free = (w: WorkerRecord): number => w.capacity - w.load - this.placedOn(w);
    const candidates = workers.filter((w) => free(w) > 0).sort((a, b) => free(b) - free(a) || a.id.localeCompare(b.id));
    for (const worker of candidates) {
      try {
        this.notePlaced(worker);
        return String(await this.request(worker.id, name, payload));
      } catch (error) {
        if (error instanceof CommandUnreachableError && error.reason === 'no_server') continue;
        if (error instanceof AppError && (error.code === 'session_limit' || error.code === 'browser_unavailable')) continue;
        throw this.unreachable(error);
      }
    }
    const capacity = workers.reduce((sum, w) => sum + w.capacity, 0);
    throw new AppError('session_limit', { retryAfter: 10, detail: `Every worker is at its limit (${capacity} concurrent sessions in the cluster); delete a session or retry later.` });
  }

  private placedOn(worker: WorkerRecord): number {
    const entry = this.placedSince.get(worker.id);
    return entry !== undefined && entry.heartbeatAt === worker.heartbeatAt.getTime() ? entry.placed : 0;
  }

  private notePlaced(worker: WorkerRecord): void {
    this.placedSince.set(worker.id, { heartbeatAt: worker.heartbeatAt.getTime(), placed: this.placedOn(worker) + 1 });
  }

  /** The worker that owns a session: its lease holder, or any live worker for a session nobody runs. */
  private async ownerOf(sessionId: string): Promise<string> {
    const lease = await this.options.store.leaseOf(sessionId);
    const now = this.options.clock.now();
    if (lease && lease.expiresAt > now) return lease.workerId;
    if (lease) {
      throw new AppError('worker_unavailable', {
        retryAfter: Math.max(1, Math.ceil(this.options.leaseTtlMs / 3_000)),
        detail: 'The worker that ran this session was lost; another worker is taking it over. Retry in a few seconds.',
      });
    }
    // Nobody runs it (terminated, in error after a worker's restart, or gone): any worker answers
    // for it as embedded mode would.
    const [worker] = await this.liveWorkers();
    if (!worker) throw new AppError('worker_unavailable', { retryAfter: 5, detail: 'No browser worker is live; retry once one has joined.' });
    return worker.id;
  }

  private async send<K extends SessionCommandName>(name: K, sessionId: string, payload: SessionCommands[K]): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const target = await this.ownerOf(sessionId);
      try {
        return await this.request(target, name, payload);
      } catch (error) {
        // The owner is gone or its lease moved: look it up again after a moment.
        const moved = (error instanceof CommandUnreachableError && error.reason === 'no_server') || (error instanceof AppError && error.code === 'worker_unavailable');
        if (moved && attempt < COMMAND_TRIES) {
          await delay(250 * attempt);
          continue;
        }
        throw this.unreachable(error);
      }
    }
  }

  /** The one way a command leaves this node, so `commandsInFlight` counts every one until it settles. */
  private async request<K extends SessionCommandName>(target: string, name: K, payload: SessionCommands[K], timeoutMs = this.timeoutOf(name)): Promise<unknown> {
    this.commandsPending++;
    try {
      return await this.options.commands.request(target, name, payload, { timeoutMs });
    } finally {
      this.commandsPending--;
    }
  }

  private unreachable(error: unknown): unknown {
    if (!(error instanceof CommandUnreachableError)) return error;
    this.options.logger.warn({ worker: error.target, reason: error.reason }, 'worker did not answer a command');
    return new AppError('worker_unavailable', {
      retryAfter: 2,
      detail: error.reason === 'timeout' ? 'The worker that runs this session did not answer in time; the outcome is unknown. Check the session before retrying.' : 'The worker that runs this session could not be reached; retry in a few seconds.',
    });
  }

  private timeoutOf(name: SessionCommandName): number {
    return commandTimeoutMs(name, this.options.limits);
  }

  /** Polling on this node is activity on the worker (the idle timeout runs there), sent now and then. */
  private touch(record: SessionRecord): void {
    if (record.status === 'terminated') return;
    const now = Date.now();
    if (now - (this.touchedAt.get(record.id) ?? 0) < TOUCH_EVERY_MS) return;
    this.touchedAt.set(record.id, now);
    if (this.touchedAt.size > 10_000) this.touchedAt.clear();
    void this.ownerOf(record.id)
      .then((worker) => this.request(worker, 'touch', { sessionId: record.id }, 5_000))
      .catch(() => undefined);
  }
}

function reviveFile(file: StoredFile): StoredFile {
  return { ...file, createdAt: new Date(file.createdAt) };
}

function reviveFrame(frame: ReplayFrame): ReplayFrame {
  return { ...frame, takenAt: new Date(frame.takenAt) };
}

/** An upload's bytes, refused past the per-file limit before the worker sees any. */
async function readBounded(body: Readable, declaredBytes: number | undefined, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new AppError('payload_too_large', { detail: `The file is larger than the limit of ${formatBytes(maxBytes)} per file.` });
  if (declaredBytes !== undefined && declaredBytes > maxBytes) {
    body.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const bytes = Buffer.from(chunk as Uint8Array);
    total += bytes.length;
    if (total > maxBytes) {
      body.resume();
      throw tooLarge();
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
