import type { AgentName, ExecutionStatus, SnapshotMode } from '@steward/protocol';
import {
  BrowserCapacityError,
  BrowserClosedError,
  ExternalBrowserError,
  type AcquireOptions,
  type SessionBrowser,
  type SessionBrowserOptions,
  type LiveInput,
  type ScreencastFrame,
  type StorageState,
} from '../browser/port.ts';
import { AppError } from '../errors/index.ts';
import type { ApprovalRecord, EnvironmentRecord, MessageRecord, SessionRecord } from '../domain/index.ts';
import type { Subscription } from '../bus/port.ts';
import { EgressPolicyError } from '../safety/index.ts';
import { errorMessage, newId } from '../util/index.ts';
import type { SessionEvent } from '../sessions/session-events.ts';
import { browserFailure } from './browser-failures.ts';
import { SessionCore, type SessionDeps } from './session-core.ts';
import { SessionRuntime } from './session-runtime.ts';
import { hasActiveTask, INITIAL_STATE } from '../sessions/state-machine.ts';
import { SessionFiles } from './session-files.ts';
import { SessionReplays } from './session-replays.ts';
import { PaymentTokenService } from '../sessions/payment-tokens.ts';
import { SessionSecretService } from '../sessions/session-secrets.ts';
import type { SecretVault } from '../browser/secret-vault.ts';
import { cancelPendingApprovals } from '../sessions/approval-desk.ts';
import { TaskController } from './task-controller.ts';
import type { CreateSessionInput, DesktopStepInput, MessagesView, SendMessageInput, Sessions } from '../sessions/sessions-port.ts';
import { isClientScreen, type ScreenStep } from '../browser/client-screen.ts';
import { isDesktopSession } from '../sessions/session-kinds.ts';
import { DEMO_MAX_STEPS, DEMO_OPTION, demoEgress, isDemoSession } from '../sessions/demo-sessions.ts';
import { summarizeSessions, type SessionSummary } from '../sessions/session-summaries.ts';

/**
 * The application core behind every endpoint. Methods take the caller's API key id and answer
 * 404 for sessions of other keys.
 */
export class SessionService implements Sessions {
  private readonly core: SessionCore;
  private readonly tasks: TaskController;
  /** Files of sessions (uploads, downloads): the file routes use it directly. */
  readonly files: SessionFiles;
  /** Each session's step pictures (the replay): the replay routes use it directly. */
  readonly replays: SessionReplays;
  /** One-time payment tokens of API keys (the payment token routes use it directly). */
  readonly paymentTokens: PaymentTokenService;
  /** Secrets tasks type as `{{secret:NAME}}`. */
  private readonly secrets: SessionSecretService;
  private sweeper: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(deps: SessionDeps) {
    this.core = new SessionCore(deps);
    this.paymentTokens = new PaymentTokenService(deps.store, deps.clock);
    this.secrets = new SessionSecretService(deps.store);
    this.replays = new SessionReplays(this.core, deps.replay);
    this.tasks = new TaskController(this.core, this.paymentTokens, this.secrets, this.replays);
    this.files = new SessionFiles(this.core, deps.files);
  }

  private get deps(): SessionDeps {
    return this.core.deps;
  }

  /**
   * Brings sessions that were live before a restart back: a task that was running ends with an
   * ERROR saying so, and each session gets a fresh browser context. Starts the expiry sweeper.
   * A cluster worker (`recover: 'none'`) brings back nothing: it adopts sessions one by one
   * (`adopt`) as their leases expire, since other workers still run theirs.
   */
  async start(options: { recover: 'all' | 'none' } = { recover: 'all' }): Promise<void> {
    if (options.recover === 'all') await this.recoverAll();
    const { sessionIdleTimeoutMs, sessionMaxLifetimeMs } = this.deps.limits;
    const shortest = Math.min(...[sessionIdleTimeoutMs, sessionMaxLifetimeMs].filter((ms) => ms > 0), Infinity);
    if (shortest !== Infinity) {
      this.sweeper = setInterval(() => void this.sweep(), Math.max(50, Math.min(5_000, shortest / 4)));
      this.sweeper.unref();
    }
  }

  private async recoverAll(): Promise<void> {
    const { store, logger } = this.deps;
    const live = await store.listLiveSessions();
    await this.startDemoSiteFor(live);
    for (const record of live) {
      if (record.status === 'error') continue;
      await this.recover(record, { code: 'interrupted', content: 'Task interrupted: the server restarted while it was running. Send the task again to retry.' });
    }
    // No task survived the restart, so no card is in a page any more: the tokens they held are free.
    const released = await this.paymentTokens.releaseAfterRestart();
    if (live.length > 0 || released > 0) logger.info({ sessions: live.length, paymentTokensReleased: released }, 'sessions recovered after restart');
    // Fresh contexts in the background: the server answers while they are created.
    for (const runtime of this.core.runtimes.values()) {
      runtime.ensureBrowser().catch((error: unknown) => logger.warn({ sessionId: runtime.sessionId, err: errorMessage(error) }, 'could not recreate browser context'));
    }
  }

  /** A session whose task stopped with its process: the task's ERROR, state `ready`, a runtime. */
  private async recover(record: SessionRecord, interrupted: { code: 'interrupted' | 'worker_lost'; content: string }, storageState?: StorageState): Promise<SessionRuntime> {
    const { store, clock } = this.deps;
    if (hasActiveTask(record)) {
      await this.core.append(record.id, { type: 'ERROR', content: interrupted.content, metadata: { code: interrupted.code, status_code: 500 }, internal: false });
      await cancelPendingApprovals(store, record.id, clock.now());
    }
    const current = await this.core.apply(record, { type: 'recovered' });
    return this.addRuntime(current, current.lastActivityAt.getTime(), storageState);
  }

  /**
   * Cluster mode: takes over a session whose worker was lost; the caller holds its lease now. A
   * task that was running ends with an ERROR (`worker_lost`) that says where it stood; the session
   * gets a fresh browser with the cookies and storage of its last checkpoint, on its page. False
   * when there is nothing to run here (gone, terminated, in error, or already here).
   */
  async adopt(sessionId: string): Promise<boolean> {
    if (this.stopping || this.core.runtimes.has(sessionId)) return false;
    const record = await this.deps.store.getSession(sessionId);
    if (!record || record.status === 'terminated' || record.status === 'error') return false;
    const checkpoint = await this.core.checkpoints?.read(sessionId);
    if (isDemoSession(record)) await this.startDemoSiteFor([record]);
    const where = checkpoint === undefined ? 'before its first step was saved' : `after step ${checkpoint.step}, on ${safeOrigin(checkpoint.url)}`;
    const runtime = await this.recover(
      record,
      { code: 'worker_lost', content: `Task interrupted: the worker running it was lost ${where}. Another worker took the session over and restored its browser (cookies, storage, page) from the last checkpoint. Send the task again to continue.` },
      checkpoint?.storageState,
    );
    const released = await this.paymentTokens.releaseHeldBy(sessionId);
    this.deps.logger.info({ sessionId, step: checkpoint?.step ?? null, paymentTokensReleased: released }, 'session adopted from a lost worker');
    runtime
      .ensureBrowser()
      .then(async (browser) => {
        if (checkpoint !== undefined && !isClientScreen(browser) && /^https?:/.test(checkpoint.url)) await browser.navigate(checkpoint.url);
      })
      .catch((error: unknown) => {
        // Deleted (or given up) while its browser was being restored: nothing was lost.
        if (runtime.isClosed) return;
        this.deps.logger.warn({ sessionId, err: errorMessage(error) }, 'could not restore the adopted session\'s browser');
      });
    return true;
  }

  /** Ids of the sessions this process runs now (a worker renews their leases). */
  liveSessionIds(): string[] {
    return [...this.core.runtimes.keys()];
  }

  /** Whether this process runs the session (a worker answers commands only for its own). */
  runs(sessionId: string): boolean {
    return this.core.runtimes.has(sessionId);
  }

  /**
   * Cluster mode: another worker owns the session now (this one could not renew its lease in
   * time). Stops running it here and writes nothing more for it: the owner does.
   */
  async relinquish(sessionId: string): Promise<void> {
    const runtime = this.core.runtimes.get(sessionId);
    if (!runtime) return;
    this.core.runtimes.delete(sessionId);
    this.core.forget(sessionId);
    this.core.visibleMessages.drop(sessionId);
    if (runtime.task) runtime.task.finalized = true;
    await runtime.close();
  }

  /** Counts as activity for the idle timeout (cluster: polling on an API node). */
  touch(sessionId: string): void {
    this.core.touch(sessionId);
  }

  async create(apiKeyId: string, input: CreateSessionInput): Promise<SessionRecord> {
    if (this.stopping) throw new AppError('shutting_down', { retryAfter: 5 });
    const { store, clock, limits } = this.deps;
    if (this.core.runtimes.size >= limits.maxSessions) {
      throw new AppError('session_limit', { retryAfter: 10, detail: `The server is at its limit of ${limits.maxSessions} concurrent sessions; delete a session or retry later.` });
    }
    const secrets = input.secrets === undefined ? {} : SessionSecretService.parse(input.secrets, 'secrets');
    const storageState = await this.restoreState(apiKeyId, input);
    const now = clock.now();
    const record: SessionRecord = {
      id: newId(),
      apiKeyId,
      agentName: input.agentName,
      ...INITIAL_STATE,
      createdAt: now,
      updatedAt: now,
      lastActivityAt: now,
      webhookUrl: input.webhookUrl ?? null,
      maxSteps: input.maxSteps,
      goal: input.goal ?? null,
      environmentId: newId(),
      lastMessageId: 0,
      options: input.options,
    };
    const runtime = this.addRuntime(record, now.getTime(), storageState);
    try {
      await runtime.ensureBrowser();
    } catch (error) {
      this.core.runtimes.delete(record.id);
      await runtime.close();
      await this.files.drop(record.id);
      if (error instanceof BrowserCapacityError) throw new AppError('browser_unavailable', { retryAfter: 10, cause: error });
      if (error instanceof EgressPolicyError) throw new AppError('validation_error', { detail: `allow_domains/deny_domains: ${error.message}`, cause: error });
      // The client's own browser: refused by the egress policy, or not reachable as given.
      if (error instanceof ExternalBrowserError) throw new AppError('validation_error', { detail: error.message, cause: error });
      throw error;
    }
    let stored = false;
    try {
      await store.insertSession(record);
      stored = true;
      await this.deps.ownership?.claim(record.id);
      await this.secrets.put(record.id, secrets);
    } catch (error) {
      // The client gets an error, so nothing of the session may stay: not its browser context
      // (a leak that counts against the session limit), not a row no worker runs.
      this.core.runtimes.delete(record.id);
      await runtime.close();
      await this.files.drop(record.id);
      if (stored) await store.deleteSession(record.id).catch((e: unknown) => this.deps.logger.warn({ sessionId: record.id, err: errorMessage(e) }, 'could not remove a session that failed to start'));
      throw error;
    }
    this.core.remember(record);
    this.deps.logger.info({ sessionId: record.id, apiKeyId, agentName: record.agentName, restored: storageState !== undefined }, 'session created');
    this.core.webhook(record, 'session.created');
    if (input.goal !== undefined) await this.tasks.sendMessage(apiKeyId, record.id, { message: input.goal });
    return (await this.core.read(record.id)) ?? record;
  }

  /**
   * A demo session (`POST /v1/demo/sessions`): an ordinary session of the caller's key, counted
   * against the same limits, whose tasks the bundled demo policy runs whatever model is
   * configured, and whose browser may reach the bundled demo site and nothing else. Its task
   * starts at once, on that site.
   */
  async createDemo(apiKeyId: string): Promise<SessionRecord> {
    const demo = this.deps.demo;
    if (demo === undefined) throw new AppError('not_found', { detail: 'This server has no bundled demo.' });
    if (this.stopping) throw new AppError('shutting_down', { retryAfter: 5 });
    // Listening before the session exists: its browser's egress names the site's port.
    const origin = await demo.site.start();
    const record = await this.create(apiKeyId, { agentName: 'agi-0', maxSteps: DEMO_MAX_STEPS, options: { [DEMO_OPTION]: true } });
    await this.tasks.sendMessage(apiKeyId, record.id, { message: demo.task, startUrl: new URL(demo.startPath, origin).href });
    return (await this.core.read(record.id)) ?? record;
  }

  get(apiKeyId: string, sessionId: string): Promise<SessionRecord> {
    this.core.touch(sessionId);
    return this.core.owned(apiKeyId, sessionId);
  }

  list(apiKeyId: string): Promise<SessionRecord[]> {
    return this.deps.store.listSessions(apiKeyId);
  }

  /** Live sessions by status and their tasks by execution status, for metrics (no activity clock touched). */
  async liveCounts(): Promise<{ byStatus: Record<string, number>; byExecutionStatus: Record<string, number> }> {
    const byStatus: Record<string, number> = {};
    const byExecutionStatus: Record<string, number> = {};
    for (const sessionId of [...this.core.runtimes.keys()]) {
      const record = await this.core.read(sessionId);
      if (!record) continue;
      byStatus[record.status] = (byStatus[record.status] ?? 0) + 1;
      byExecutionStatus[record.executionStatus] = (byExecutionStatus[record.executionStatus] ?? 0) + 1;
    }
    return { byStatus, byExecutionStatus };
  }

  /** Live sessions now, and the most this node holds (`STEWARD_MAX_SESSIONS`). */
  capacity(): { live: number; max: number } {
    return { live: this.core.runtimes.size, max: this.deps.limits.maxSessions };
  }

  /** Agent steps and messages by type since the process started. */
  activity(): { steps: number; messagesByType: Record<string, number> } {
    return this.core.activity.snapshot();
  }

  /** The task and newest message of each session, for lists (read without touching activity clocks). */
  summaries(records: readonly SessionRecord[]): Promise<Map<string, SessionSummary>> {
    return summarizeSessions(this.deps.store, records);
  }

  /** False when the session does not exist for this key (the API still answers 200). */
  async delete(apiKeyId: string, sessionId: string, snapshot: { mode: SnapshotMode; asDefault: boolean } = { mode: 'none', asDefault: false }): Promise<boolean> {
    const record = await this.core.read(sessionId);
    if (!record || record.apiKeyId !== apiKeyId) return false;
    const runtime = this.core.runtimes.get(sessionId);
    const remove = async (): Promise<boolean> => {
      const current = await this.core.read(sessionId);
      if (!current) return false;
      if (runtime) await this.tasks.endTask(current, runtime, { kind: 'error', code: 'cancelled', error: 'Task cancelled: the session was deleted' });
      if (snapshot.mode !== 'none') await this.saveSnapshot(current, runtime, snapshot.asDefault);
      this.core.runtimes.delete(sessionId);
      this.deps.bus.publish(sessionId, { kind: 'closed', reason: 'deleted' });
      await runtime?.close();
      await this.files.drop(sessionId);
      await this.replays.drop(sessionId);
      this.core.forget(sessionId);
      this.secrets.forget(sessionId);
      const deleted = await this.deps.store.deleteSession(sessionId);
      this.core.visibleMessages.drop(sessionId);
      if (runtime) await this.deps.ownership?.release(sessionId);
      if (deleted) {
        this.deps.logger.info({ sessionId, snapshot: snapshot.mode }, 'session deleted');
        this.core.webhook(current, 'session.deleted');
      }
      return deleted;
    };
    return runtime ? runtime.lock.run(remove) : remove();
  }

  async deleteAll(apiKeyId: string): Promise<number> {
    const sessions = await this.deps.store.listSessions(apiKeyId);
    const results = await Promise.all(sessions.map((s) => this.delete(apiKeyId, s.id)));
    return results.filter(Boolean).length;
  }

  sendMessage(apiKeyId: string, sessionId: string, input: SendMessageInput): Promise<void> {
    return this.tasks.sendMessage(apiKeyId, sessionId, input);
  }

  pause(apiKeyId: string, sessionId: string): Promise<void> {
    return this.tasks.pause(apiKeyId, sessionId);
  }

  resume(apiKeyId: string, sessionId: string): Promise<void> {
    return this.tasks.resume(apiKeyId, sessionId);
  }

  cancel(apiKeyId: string, sessionId: string): Promise<void> {
    return this.tasks.cancel(apiKeyId, sessionId);
  }

  /** What the agent asked the user to approve in this session, and the answers, oldest first. */
  async approvals(apiKeyId: string, sessionId: string): Promise<ApprovalRecord[]> {
    await this.core.owned(apiKeyId, sessionId);
    return this.deps.store.listApprovals(sessionId);
  }

  async status(apiKeyId: string, sessionId: string): Promise<ExecutionStatus> {
    return (await this.get(apiKeyId, sessionId)).executionStatus;
  }

  async messages(apiKeyId: string, sessionId: string, options: { afterId: number; sanitize: boolean }): Promise<MessagesView> {
    const record = await this.get(apiKeyId, sessionId);
    const messages = options.sanitize
      ? await this.core.visibleMessages.list(sessionId, options.afterId)
      : await this.deps.store.listMessages(sessionId, { afterId: options.afterId, includeInternal: true });
    return { messages, status: record.executionStatus, hasAgent: this.hasAgent(record) };
  }

  /** Stored messages for an SSE replay, without touching the session's activity clock. */
  history(sessionId: string, afterId: number, includeInternal: boolean): Promise<MessageRecord[]> {
    return this.deps.store.listMessages(sessionId, { afterId, includeInternal });
  }

  /** Live events of one session (messages, pause/resume, close), for SSE. */
  subscribe(sessionId: string, onEvent: (event: SessionEvent) => void): Subscription {
    return this.deps.bus.subscribe(sessionId, { onEvent });
  }

  hasAgent(record: SessionRecord): boolean {
    return this.core.runtimes.has(record.id) && record.status !== 'error' && this.core.modelFor(record) !== undefined;
  }

  async navigate(apiKeyId: string, sessionId: string, url: string): Promise<string> {
    const runtime = await this.liveRuntime(apiKeyId, sessionId);
    return this.useBrowser(runtime, async (browser) => (await browser.navigate(url)).url);
  }

  async screenshot(apiKeyId: string, sessionId: string): Promise<{ jpeg: Buffer; url: string; title: string }> {
    const runtime = await this.liveRuntime(apiKeyId, sessionId);
    return this.useBrowser(runtime, (browser) => browser.screenshot());
  }

  /** `vnc_url` of a session (absent once it is terminated, and for a desktop session, whose screen is the client's). */
  liveUrl(record: SessionRecord): string | undefined {
    return isDesktopSession(record) ? undefined : this.core.liveUrl(record);
  }

  /** `agent_url` of a desktop session: `POST {agent_url}/step_desktop` runs its steps. */
  agentUrl(record: SessionRecord): string | undefined {
    if (!isDesktopSession(record) || !this.core.runtimes.has(record.id)) return undefined;
    return `${this.deps.liveView.baseUrl()}/v1/sessions/${record.id}/desktop`;
  }

  /** One step of a desktop session: see `TaskController.step`. */
  stepDesktop(apiKeyId: string, sessionId: string, input: DesktopStepInput, signal: AbortSignal): Promise<ScreenStep> {
    return this.tasks.step(apiKeyId, sessionId, input, signal);
  }

  /**
   * The session a live-view request may use: the caller's own (API key), or the one its
   * capability token was issued for. 404 otherwise, as for any session route.
   */
  async authorizeLive(access: { apiKeyId?: string | undefined; token?: string | undefined }, sessionId: string): Promise<SessionRecord> {
    let record: SessionRecord | undefined;
    if (access.apiKeyId) record = await this.get(access.apiKeyId, sessionId);
    else {
      record = await this.core.read(sessionId);
      if (!record || access.token === undefined || !this.deps.liveView.tokens.verify(sessionId, access.token)) throw new AppError('session_not_found');
      this.core.touch(sessionId);
    }
    if (isDesktopSession(record)) throw new AppError('wrong_session_kind', { detail: "A desktop session has no live view: its screen is the client's own." });
    return record;
  }

  /**
   * Whether `token` is the live-view token of `sessionId`: an HMAC check alone, no store read,
   * so the auth hook can count a wrong token as a failed authentication before any lookup.
   */
  isLiveToken(sessionId: string, token: string): boolean {
    return this.deps.liveView.tokens.verify(sessionId, token);
  }

  /** Screen frames of an authorized session until `stop`; `onEnd` when the session goes away. */
  async liveStream(record: SessionRecord, onFrame: (frame: ScreencastFrame) => void, onEnd: () => void): Promise<{ stop(): Promise<void> }> {
    const runtime = this.core.runtimes.get(record.id);
    if (!runtime || record.status === 'terminated') throw new AppError('session_terminated');
    const { browser, screencast } = await this.useBrowser(runtime, async (browser) => ({
      browser,
      screencast: await browser.startScreencast((frame) => {
        this.core.touch(record.id);
        onFrame(frame);
      }),
    }));
    const subscription = this.deps.bus.subscribe(record.id, {
      onEvent: (event) => {
        if (event.kind === 'closed') onEnd();
      },
    });
    const stopCrashWatch = browser.onCrash(() => onEnd());
    return {
      stop: async () => {
        subscription.unsubscribe();
        stopCrashWatch();
        await screencast.stop();
      },
    };
  }

  async liveInput(record: SessionRecord, event: LiveInput): Promise<void> {
    const runtime = this.core.runtimes.get(record.id);
    if (!runtime || record.status === 'terminated') throw new AppError('session_terminated');
    this.core.touch(record.id);
    await this.useBrowser(runtime, async (browser) => {
      try {
        await browser.input(event);
      } catch (error) {
        if (error instanceof BrowserClosedError) throw error;
        throw new AppError('bad_request', { detail: errorMessage(error), cause: error });
      }
    });
  }

  /** Ends every task (stored as interrupted), closes every context. Sessions stay for the next start. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(
      [...this.core.runtimes.values()].map((runtime) =>
        runtime.lock.run(async () => {
          const record = await this.core.read(runtime.sessionId);
          if (record && runtime.task) {
            await this.tasks.endTask(record, runtime, { kind: 'error', code: 'interrupted', error: 'Task interrupted: the server shut down. Send the task again to retry.' });
          }
          this.deps.bus.publish(runtime.sessionId, { kind: 'closed', reason: 'shutdown' });
          await runtime.close();
        }),
      ),
    );
    for (const id of this.core.runtimes.keys()) this.core.forget(id);
    this.core.runtimes.clear();
  }

  /** Ends sessions past their idle timeout or maximum lifetime. */
  async sweep(): Promise<void> {
    const { sessionIdleTimeoutMs, sessionMaxLifetimeMs } = this.deps.limits;
    const now = this.deps.clock.now().getTime();
    for (const runtime of [...this.core.runtimes.values()]) {
      const idle = sessionIdleTimeoutMs > 0 && now - runtime.lastActivity >= sessionIdleTimeoutMs;
      const expired = sessionMaxLifetimeMs > 0 && now - runtime.createdAt >= sessionMaxLifetimeMs;
      if (idle || expired) await this.terminate(runtime, idle ? 'idle timeout' : 'maximum lifetime');
    }
  }

  private terminate(runtime: SessionRuntime, reason: string): Promise<void> {
    return runtime.lock.run(async () => {
      if (!this.core.runtimes.has(runtime.sessionId)) return;
      let record = await this.core.read(runtime.sessionId);
      if (!record) return;
      record = await this.tasks.endTask(record, runtime, { kind: 'error', code: 'session_ended', error: `Session ended (${reason}); the task was stopped.` });
      await this.core.append(record.id, { type: 'LOG', content: `Session terminated: ${reason}`, metadata: { kind: 'terminated', reason }, internal: false });
      // Gone before the session is seen as terminated: no file or replay frame of it outlives that.
      await this.files.drop(runtime.sessionId);
      await this.replays.drop(runtime.sessionId);
      await this.core.apply(record, { type: 'terminated' });
      this.core.runtimes.delete(runtime.sessionId);
      this.core.forget(runtime.sessionId);
      this.core.visibleMessages.drop(runtime.sessionId);
      this.deps.bus.publish(runtime.sessionId, { kind: 'closed', reason: 'terminated' });
      await runtime.close();
      await this.deps.ownership?.release(runtime.sessionId);
      this.deps.logger.info({ sessionId: record.id, reason }, 'session terminated');
    });
  }

  private addRuntime(record: SessionRecord, lastActivity: number, storageState?: StorageState): SessionRuntime {
    const runtime = new SessionRuntime(
      record.id,
      record.createdAt.getTime(),
      lastActivity,
      this.deps.browsers,
      (rt, reason) => this.onBrowserCrash(rt, reason),
      storageState,
      // The vault fills a payment token's card only for this session, only while it holds the token.
      { ...browserOptionsOf(record, this.deps.demo?.site.origin()), files: this.files.accessFor(record.id), vault: eitherVault(this.paymentTokens.vaultFor(record.id), this.secrets.vaultFor(record.id)) },
    );
    this.core.runtimes.set(record.id, runtime);
    return runtime;
  }

  /** Demo sessions that outlived a restart get the demo site back, on its new port. */
  private async startDemoSiteFor(live: readonly SessionRecord[]): Promise<void> {
    const site = this.deps.demo?.site;
    if (site === undefined || !live.some(isDemoSession)) return;
    try {
      await site.start();
    } catch (error) {
      // They keep their history; their browsers, allowed nowhere without the site, reach nothing.
      this.deps.logger.warn({ err: errorMessage(error) }, 'could not start the demo site for the demo sessions recovered after restart');
    }
  }

  private onBrowserCrash(runtime: SessionRuntime, reason: string): void {
    this.deps.logger.warn({ sessionId: runtime.sessionId, reason }, 'session browser crashed');
    void runtime.lock.run(async () => {
      const record = await this.core.read(runtime.sessionId);
      if (record && runtime.task) {
        await this.tasks.endTask(record, runtime, { kind: 'error', code: 'browser_crashed', error: `The browser crashed (${reason}); the session gets a fresh browser for the next task.` });
      }
    });
  }

  private async liveRuntime(apiKeyId: string, sessionId: string): Promise<SessionRuntime> {
    const record = await this.get(apiKeyId, sessionId);
    const runtime = this.core.runtimes.get(sessionId);
    if (!runtime || record.status === 'terminated') throw new AppError('session_terminated');
    return runtime;
  }

  /** Runs a client's browser call; its failures become catalog errors (a racing DELETE: 409). */
  private async useBrowser<T>(runtime: SessionRuntime, use: (browser: SessionBrowser) => Promise<T>): Promise<T> {
    let browser: SessionBrowser;
    try {
      browser = await runtime.ensureBrowser();
    } catch (error) {
      throw browserFailure(error, runtime.isClosed || this.core.runtimes.get(runtime.sessionId) !== runtime);
    }
    if (isClientScreen(browser)) {
      throw new AppError('wrong_session_kind', { detail: 'A desktop session has no browser on the server: navigate, screenshot and the live view are for managed-cdp and external-cdp sessions. The client drives its own screen through step_desktop.' });
    }
    try {
      return await use(browser);
    } catch (error) {
      throw browserFailure(error, runtime.isClosed || this.core.runtimes.get(runtime.sessionId) !== runtime);
    }
  }

  private async restoreState(apiKeyId: string, input: CreateSessionInput): Promise<StorageState | undefined> {
    const { store } = this.deps;
    let environment: EnvironmentRecord | undefined;
    if (input.restoreFromEnvironmentId !== undefined) environment = await store.getEnvironment(input.restoreFromEnvironmentId);
    else if (input.restoreFromSessionId !== undefined) environment = await store.getEnvironmentBySession(input.restoreFromSessionId);
    else if (input.restoreDefaultEnvironment) environment = await store.getDefaultEnvironment(apiKeyId);
    else return undefined;
    if (!environment || environment.apiKeyId !== apiKeyId) {
      if (input.restoreDefaultEnvironment && input.restoreFromEnvironmentId === undefined && input.restoreFromSessionId === undefined) return undefined;
      throw new AppError('not_found', { detail: 'No saved environment to restore was found for this key.' });
    }
    return environment.storageState;
  }

  private async saveSnapshot(record: SessionRecord, runtime: SessionRuntime | undefined, asDefault: boolean): Promise<void> {
    const browser = runtime?.currentBrowser();
    if (!browser) return;
    const storageState = await browser.storageState();
    await this.deps.store.insertEnvironment({
      id: record.environmentId,
      apiKeyId: record.apiKeyId,
      sourceSessionId: record.id,
      storageState,
      isDefault: asDefault,
      createdAt: this.deps.clock.now(),
    });
  }
}

/**
 * The session's own egress lists and upstream proxy, kept in its options so a restart restores
 * them (a demo session's egress is the demo site at `demoOrigin`, wherever it listens now).
 * `proxy_url` may carry a password and `cdp_url` is its browser's only credential: they go to the
 * browser pool and nowhere else (the session serializer does not echo options).
 */
function browserOptionsOf(record: SessionRecord, demoOrigin: string | undefined): SessionBrowserOptions {
  const proxyUrl = record.options['proxy_url'];
  const cdpUrl = record.options['agent_session_type'] === 'external-cdp' ? record.options['cdp_url'] : undefined;
  return {
    apiKeyId: record.apiKeyId,
    ...(isDesktopSession(record) ? { clientScreen: true as const } : {}),
    egress: isDemoSession(record) ? demoEgress(demoOrigin) : egressOf(record),
    ...(typeof proxyUrl === 'string' ? { upstreamProxy: proxyUrl } : {}),
    ...(typeof cdpUrl === 'string' ? { externalCdpUrl: cdpUrl } : {}),
  };
}

function egressOf(record: SessionRecord): AcquireOptions['egress'] {
  const allow = record.options['allow_domains'];
  const deny = record.options['deny_domains'];
  if (!Array.isArray(allow) && !Array.isArray(deny)) return undefined;
  return {
    ...(Array.isArray(allow) ? { allowDomains: allow.map(String) } : {}),
    ...(Array.isArray(deny) ? { denyDomains: deny.map(String) } : {}),
  };
}

/** A URL's origin for a message, never its path or query (they can carry tokens). */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'its page';
  }
}

/** The browser's one vault: card values from the payment tokens, named secrets from the session's. */
function eitherVault(payments: SecretVault, secrets: SecretVault): SecretVault {
  return { resolve: (ref, where) => (ref.vault === 'payment_token' ? payments.resolve(ref, where) : secrets.resolve(ref, where)) };
}
