import { APPROVAL_POLICIES, TASK_FAILURES, type ApprovalPolicy, type TaskFailureCode } from '@steward/protocol';
import { compileOutputSchema, costStop, runAgentTask, type AgentOutcome, type TaskPayments } from '../agent/index.ts';
import { BrowserClosedError } from '../browser/port.ts';
import { AppError } from '../errors/index.ts';
import { ModelError } from '../llm/port.ts';
import type { MessageContent, SessionRecord } from '../domain/index.ts';
import { errorMessage } from '../util/index.ts';
import type { SessionCore } from './session-core.ts';
import type { DesktopStepInput, SendMessageInput } from '../sessions/sessions-port.ts';
import type { RunningTask, SessionRuntime } from './session-runtime.ts';
import { hasActiveTask } from '../sessions/state-machine.ts';
import { TaskScreener, type ScreeningOutcome } from './task-screener.ts';
import { webhookPayloads } from '../sessions/webhooks/index.ts';
import { ApprovalDesk, type AskingHost } from '../sessions/approval-desk.ts';
import type { PaymentTokenService } from '../sessions/payment-tokens.ts';
import { SessionSecretService } from '../sessions/session-secrets.ts';
import { TaskScope } from '../safety/index.ts';
import { isClientScreen, StepInProgressError, type ClientScreen, type ScreenImage, type ScreenStep } from '../browser/client-screen.ts';
import { decodeScreenshot } from './screen-image.ts';
import { isDesktopSession } from '../sessions/session-kinds.ts';
import type { SessionReplays } from './session-replays.ts';
import { anySignal, raceSignal } from '../util/abort.ts';

/** How long a desktop step waits while the session is paused before it answers with no action. */
const PAUSED_STEP_HOLD_MS = 10_000;

/** Why a task ended without a result; becomes `metadata.code` of its ERROR message. The codes and their statuses are protocol's `TASK_FAILURES`. */
export type { TaskFailureCode };

const STATUS_CODE_BY_FAILURE = Object.fromEntries(Object.entries(TASK_FAILURES).map(([code, failure]) => [code, failure.status])) as Record<TaskFailureCode, number>;

type TaskEnd = { kind: 'error'; code: TaskFailureCode; error: string; metadata?: Record<string, unknown> } | { kind: 'done'; content: MessageContent; metadata: Record<string, unknown> };

/**
 * Starts, steers and ends tasks: `/message`, pause, resume, cancel, and the agent's own questions.
 * Every state change happens under the session's lock and stores its message before its status.
 */
export class TaskController {
  private readonly screener: TaskScreener;

  private readonly approvals: ApprovalDesk;

  constructor(
    private readonly core: SessionCore,
    private readonly paymentTokens: PaymentTokenService,
    private readonly secrets: SessionSecretService,
    private readonly replays: SessionReplays,
  ) {
    this.screener = new TaskScreener({ logger: core.deps.logger, timeoutMs: core.deps.limits.modelTimeoutMs });
    this.approvals = new ApprovalDesk(core.deps.store, core.deps.clock);
  }

  sendMessage(apiKeyId: string, sessionId: string, input: SendMessageInput): Promise<void> {
    return this.withRuntime(apiKeyId, sessionId, (record, runtime) => this.deliver(record, runtime, input));
  }

  /**
   * One step of a desktop session (`POST {agent_url}/step_desktop`): the client's screenshot
   * becomes the agent's next observation, a `message` starts the task, answers its question or
   * follows it up as `/message` would, and the answer is what the agent decided on that
   * screenshot. While the session is paused a step waits up to `PAUSED_STEP_HOLD_MS`, then answers
   * with no action so the client's loop asks again.
   */
  async step(apiKeyId: string, sessionId: string, input: DesktopStepInput, signal: AbortSignal): Promise<ScreenStep> {
    // Checked before anything else: a bad image changes nothing.
    const image = decodeScreenshot(input.screenshot);
    const { reply, paused, screen } = await this.withRuntime(apiKeyId, sessionId, async (record, runtime) => {
      if (!isDesktopSession(record)) throw new AppError('wrong_session_kind', { detail: 'step_desktop is for desktop sessions (agent_session_type "desktop"); this session\'s agent drives a browser of its own.' });
      if (record.status === 'terminated') throw new AppError('session_terminated');
      const screen = await runtime.ensureBrowser();
      if (!isClientScreen(screen)) throw new Error(`desktop session ${record.id} has no client screen`);
      if (screen.stepWaiting) throw new AppError('step_in_progress');
      const message = input.message;
      if (runtime.task === undefined || !hasActiveTask(record)) {
        if (message === undefined) {
          const end = screen.takeUnreportedEnd();
          if (end !== undefined) return { reply: Promise.resolve(end), paused: false, screen };
          throw new AppError('not_running', { detail: 'No task is running in this desktop session: send the task as message with the first step.' });
        }
        screen.takeUnreportedEnd();
      }
      const answering = message !== undefined && (record.executionStatus === 'waiting_for_input' || runtime.task?.pausedFrom === 'waiting_for_input');
      if (message === undefined) return { reply: this.registerStep(screen, image, signal, answering), paused: record.executionStatus === 'paused', screen };
      let reply: Promise<ScreenStep> | undefined;
      // The step waits from the moment the message passed its checks: a refused one registers nothing.
      await this.deliver(record, runtime, { message }, () => {
        reply = this.registerStep(screen, image, signal, answering);
      });
      return { reply: reply!, paused: record.executionStatus === 'paused', screen };
    });
    if (!paused) return reply;
    const held = setTimeout(() => screen.interrupt(), PAUSED_STEP_HOLD_MS);
    try {
      return await reply;
    } finally {
      clearTimeout(held);
    }
  }

  private registerStep(screen: ClientScreen, image: ScreenImage, signal: AbortSignal, answering: boolean): Promise<ScreenStep> {
    const reply = screen.step(image, signal, { answering });
    return reply.catch((error: unknown) => {
      if (error instanceof StepInProgressError) throw new AppError('step_in_progress');
      if (error instanceof BrowserClosedError) throw new AppError('session_terminated', { cause: error });
      throw error;
    });
  }

  /**
   * A message's checks, then the USER message, then the task it starts or the one it steers.
   * `accepted` runs once the checks passed, before anything is stored. Caller holds the lock.
   */
  private async deliver(record: SessionRecord, runtime: SessionRuntime, input: SendMessageInput, accepted?: () => void): Promise<void> {
    const sessionId = record.id;
    if (record.status === 'terminated') throw new AppError('session_terminated');
    if (record.status === 'error') throw new AppError('browser_unavailable', { detail: 'The session browser failed; create a new session.' });
    if (isDesktopSession(record) && input.startUrl !== undefined) {
      throw new AppError('validation_error', { detail: 'start_url: a desktop session has no browser to open it in; the client drives its own screen.' });
    }
    outputSchemaOf(input.configUpdates);
    this.costCapOf(record, input.configUpdates);
    // The token is checked to be the key's own now; whether it can still pay, when the agent uses it.
    if (input.configUpdates?.['payment_token'] !== undefined) await this.paymentTokens.requireOwned(record.apiKeyId, input.configUpdates['payment_token']);
    const added = input.configUpdates?.['secrets'] === undefined ? {} : SessionSecretService.parse(input.configUpdates['secrets'], 'config_updates.secrets');
    const unknown = (await this.secrets.unknownNames(sessionId, input.message)).filter((name) => added[name] === undefined);
    if (unknown.length > 0) {
      throw new AppError('validation_error', { detail: `message: the session has no secret ${unknown.map((n) => `{{secret:${n}}}`).join(', ')}; set it with secrets on create or config_updates.secrets.` });
    }
    accepted?.();
    await this.secrets.put(sessionId, added);
    const task = runtime.task;
    const metadata: Record<string, unknown> = {};
    if (input.startUrl !== undefined) metadata['start_url'] = input.startUrl;
    // Secrets are kept sealed, apart; the message keeps only their names.
    if (input.configUpdates !== undefined) metadata['config_updates'] = input.configUpdates['secrets'] === undefined ? input.configUpdates : { ...input.configUpdates, secrets: Object.keys(added) };
    const asked = await this.core.append(sessionId, { type: 'USER', content: input.message, metadata, internal: false });

    if (!task || !hasActiveTask(record)) {
      await this.start(record, runtime, input, asked.id);
      return;
    }
    await this.followUp(record, runtime, task, input.message);
  }

  /**
   * A message sent while a task runs reaches the agent only once screened: rules at once (a
   * refusal ends the task), the classifier in the background for what they are unsure about.
   * Follow-ups are handed over in the order they were sent. Caller holds the lock.
   */
  private async followUp(record: SessionRecord, runtime: SessionRuntime, task: RunningTask, text: string): Promise<void> {
    const verdict = this.screener.rules(text);
    const context = { sessionId: record.id, what: 'follow-up' as const, signal: task.abort.signal };
    if (verdict.verdict === 'refuse') {
      await this.endTask(record, runtime, refusalEnd(this.screener.refusal(verdict, context)));
      return;
    }
    const { deps } = this.core;
    const reviewAll = deps.screeningScope === 'all';
    if (verdict.verdict === 'allow' && task.screening === undefined && !reviewAll) {
      await this.handOver(record, task, text);
      return;
    }
    const model = deps.screeningModel ?? this.core.modelFor(record);
    const screened = (task.screening ?? Promise.resolve()).then(async () => {
      const outcome: ScreeningOutcome =
        verdict.verdict === 'allow' ? (reviewAll ? await this.screener.review(text, model, context) : { kind: 'allow' }) : await this.screener.classify(text, verdict, model, context);
      await runtime.lock.run(async () => {
        if (task.finalized) return;
        const current = await this.core.read(record.id);
        if (!current) return;
        if (outcome.kind === 'allow') await this.handOver(current, task, text);
        else await this.endTask(current, runtime, refusalEnd(outcome));
      });
    });
    task.screening = screened.catch((error: unknown) => {
      // Cancelled while classifying: the task is over and nothing is handed over.
      if (!task.finalized) deps.logger.error({ err: error, sessionId: record.id }, 'screening a follow-up failed');
    });
    const tail = task.screening;
    void tail.then(() => {
      if (task.screening === tail) task.screening = undefined;
    });
  }

  /** The follow-up becomes the answer the agent waits for, or an update it reads at its next step. */
  private async handOver(record: SessionRecord, task: RunningTask, text: string): Promise<void> {
    if (record.executionStatus === 'waiting_for_input' && task.answer) {
      await this.core.apply(record, { type: 'answer_received' });
      const answer = task.answer;
      task.answer = undefined;
      answer.resolve(text);
    } else if (record.executionStatus === 'paused' && task.pausedFrom === 'waiting_for_input') {
      task.pendingAnswer = text;
    } else {
      task.updates.push(text);
    }
  }

  pause(apiKeyId: string, sessionId: string): Promise<void> {
    return this.withRuntime(apiKeyId, sessionId, async (record, runtime) => {
      const updated = await this.core.apply(record, { type: 'paused' });
      if (runtime.task) runtime.task.pausedFrom = record.executionStatus;
      // A desktop client waiting for its step gets what was decided so far.
      clientScreenOf(runtime)?.interrupt();
      this.core.deps.bus.publish(updated.id, { kind: 'paused', at: this.core.deps.clock.now() });
    });
  }

  resume(apiKeyId: string, sessionId: string): Promise<void> {
    return this.withRuntime(apiKeyId, sessionId, async (record, runtime) => {
      const task = runtime.task;
      const resumeTo = task?.pausedFrom ?? 'running';
      let updated = await this.core.apply(record, { type: 'resumed', resumeTo });
      this.core.deps.bus.publish(updated.id, { kind: 'resumed', at: this.core.deps.clock.now() });
      if (!task) return;
      task.pausedFrom = undefined;
      if (resumeTo === 'waiting_for_input' && task.pendingAnswer !== undefined && task.answer) {
        updated = await this.core.apply(updated, { type: 'answer_received' });
        const answer = task.answer;
        const text = task.pendingAnswer;
        task.answer = undefined;
        task.pendingAnswer = undefined;
        answer.resolve(text);
      }
      for (const wake of task.resumeWaiters.splice(0)) wake();
    });
  }

  cancel(apiKeyId: string, sessionId: string): Promise<void> {
    return this.withRuntime(apiKeyId, sessionId, async (record, runtime) => {
      if (!runtime.task || !hasActiveTask(record)) throw new AppError('not_running');
      await this.endTask(record, runtime, { kind: 'error', code: 'cancelled', error: 'Task cancelled' });
    });
  }

  /**
   * Ends the running task, if any, with an ERROR (used by cancel, terminate, crash and shutdown).
   * Caller holds the lock.
   */
  async endTask(record: SessionRecord, runtime: SessionRuntime, end: TaskEnd): Promise<SessionRecord> {
    const task = runtime.task;
    if (!task || task.finalized) return record;
    task.finalized = true;
    runtime.task = undefined;
    // No task, no site a secret may be typed on.
    this.secrets.setScope(record.id, undefined);
    task.abort.abort(new Error(end.kind === 'done' ? 'task finished' : end.error));
    for (const wake of task.resumeWaiters.splice(0)) wake();

    this.core.deps.logger.info(
      { sessionId: record.id, outcome: end.kind === 'done' ? 'done' : end.code, steps: end.metadata?.['steps'] ?? null },
      'task ended',
    );
    const screen = clientScreenOf(runtime);
    if (end.kind === 'done') {
      await this.core.append(record.id, { type: 'DONE', content: end.content, metadata: end.metadata, internal: false });
      screen?.ended({ success: true, text: typeof end.content === 'string' ? end.content : JSON.stringify(end.content) });
      const updated = await this.core.apply(record, { type: 'task_finished' });
      this.core.webhook(updated, 'task.completed', webhookPayloads.taskCompleted(end.content));
      return updated;
    }
    const metadata = { ...(end.metadata ?? {}), code: end.code, status_code: STATUS_CODE_BY_FAILURE[end.code] };
    await this.core.append(record.id, { type: 'ERROR', content: end.error, metadata, internal: false });
    screen?.ended({ success: false, text: end.error });
    const updated = await this.core.apply(record, { type: end.code === 'cancelled' ? 'task_cancelled' : 'task_failed' });
    const details = end.code === 'task_refused' || end.code === 'screening_failed' ? { code: end.code, category: end.metadata?.['category'] ?? null } : {};
    this.core.webhook(updated, 'task.error', webhookPayloads.taskError(end.error, details));
    return updated;
  }

  /** `taskId`: the id of the USER message that starts the task. */
  private async start(record: SessionRecord, runtime: SessionRuntime, input: SendMessageInput, taskId: number): Promise<void> {
    const updated = await this.core.apply(record, { type: 'task_started' });
    const task: RunningTask = { abort: new AbortController(), updates: [], finalized: false, resumeWaiters: [] };
    runtime.task = task;
    // Only the host: URLs can carry tokens in their query.
    this.core.deps.logger.info({ sessionId: record.id, startHost: input.startUrl === undefined ? null : new URL(input.startUrl).host }, 'task started');
    this.core.webhook(updated, 'task.started', webhookPayloads.taskStarted(input.message));
    // The task runs in the background; its end is recorded by `endTask`.
    void this.run(updated, runtime, task, input, taskId);
  }

  private async run(record: SessionRecord, runtime: SessionRuntime, task: RunningTask, input: SendMessageInput, taskId: number): Promise<void> {
    const { deps } = this.core;
    const finish = (end: TaskEnd): Promise<unknown> =>
      runtime.lock.run(async () => {
        if (task.finalized) return;
        const current = await this.core.read(record.id);
        if (current) await this.endTask(current, runtime, end);
      });

    // Screening comes before anything else: a refused task (or session goal, which arrives as the
    // first task) touches neither a model step nor the browser, not even its start_url.
    const verdict = this.screener.rules(input.message);
    const context = { sessionId: record.id, what: 'task' as const, signal: task.abort.signal };
    if (verdict.verdict === 'refuse') {
      await finish(refusalEnd(this.screener.refusal(verdict, context)));
      return;
    }
    const model = this.core.modelFor(record);
    if (!model) {
      await finish({ kind: 'error', code: 'no_model', error: deps.modelHelp });
      return;
    }
    // A desktop screen is only an image: a language model must see images (a script policy reads its context).
    if (isDesktopSession(record) && !model.supportsVision && !model.spec.startsWith('script:')) {
      await finish({ kind: 'error', code: 'no_model', error: `${record.agentName}'s model (${model.spec}) cannot read images, and a desktop session's screen is only a screenshot: configure a vision model for it.` });
      return;
    }
    const signals = [task.abort.signal];
    if (deps.limits.taskTimeoutMs > 0) signals.push(AbortSignal.timeout(deps.limits.taskTimeoutMs));
    // anySignal, not AbortSignal.any: the budget's timeout would be garbage-collected (see anySignal).
    const signal = anySignal(...signals);
    let outcome: AgentOutcome;
    try {
      const classifier = deps.screeningModel ?? model;
      const screened =
        verdict.verdict === 'uncertain'
          ? await this.screener.classify(input.message, verdict, classifier, { ...context, signal })
          : deps.screeningScope === 'all'
            ? await this.screener.review(input.message, classifier, { ...context, signal })
            : ({ kind: 'allow' } as const);
      if (screened.kind !== 'allow') {
        await finish(refusalEnd(screened));
        return;
      }
      const browser = await runtime.ensureBrowser();
      const scope = await this.scopeOf(record, input);
      const secrets = await this.secrets.get(record.id);
      this.secrets.setScope(record.id, scope);
      outcome = await runAgentTask({
        task: input.message,
        startUrl: input.startUrl,
        browser,
        model,
        host: this.approvals.withApprovals(this.hostFor(record, runtime, task, taskId), record.id),
        maxSteps: record.maxSteps,
        signal,
        modelTimeoutMs: deps.limits.modelTimeoutMs,
        agentName: record.agentName,
        outputSchema: outputSchemaOf(input.configUpdates),
        price: deps.prices?.[record.agentName],
        approvalPolicy: approvalPolicyOf(record),
        payments: this.paymentsOf(record, input.configUpdates),
        scope,
        secrets: { names: Object.keys(secrets), values: Object.values(secrets).map((s) => s.value) },
        stopConditions: this.costCapOf(record, input.configUpdates),
        // A desktop session's screen is the client's own: it has every picture already.
        stepFrames: isDesktopSession(record) ? undefined : this.replays.framesFor(record.id, taskId),
      });
    } catch (error) {
      if (task.finalized) return;
      if (signal.aborted && !task.abort.signal.aborted) {
        await finish({ kind: 'error', code: 'timeout', error: `Task timed out after ${Math.round(deps.limits.taskTimeoutMs / 1000)} s.` });
      } else if (error instanceof ModelError) {
        await finish({ kind: 'error', code: 'model_error', error: error.message });
      } else if (error instanceof BrowserClosedError) {
        await finish({ kind: 'error', code: 'browser_crashed', error: 'The browser closed unexpectedly; the session gets a fresh browser for the next task.' });
      } else {
        deps.logger.error({ err: error, sessionId: record.id }, 'task failed with an unexpected error');
        await finish({ kind: 'error', code: 'internal_error', error: `Task failed: ${errorMessage(error)}` });
      }
      return;
    }
    await finish(
      outcome.kind === 'done'
        ? { kind: 'done', content: outcome.content, metadata: outcome.metadata }
        : { kind: 'error', code: 'failed', error: outcome.error, metadata: outcome.metadata },
    );
  }

  /**
   * The sites the task names: its start_url, the URLs and domains in its text, the session's
   * allow_domains, its payment token's merchant domains. Follow-ups add theirs as they arrive.
   */
  private async scopeOf(record: SessionRecord, input: SendMessageInput): Promise<TaskScope> {
    const allow = record.options['allow_domains'];
    const token = paymentTokenOf(input.configUpdates);
    const merchants = token === undefined ? [] : ((await this.paymentTokens.merchantDomainsOf(token)) ?? []);
    return TaskScope.of({
      texts: [input.message],
      urls: [input.startUrl],
      domains: [...(Array.isArray(allow) ? allow.filter((d): d is string => typeof d === 'string') : []), ...merchants],
    });
  }

  /**
   * `config_updates.max_cost_usd`: the task stops once its model calls cost more. Needs the
   * agent's prices (`STEWARD_MODEL_PRICE`, `STEWARD_FAST_MODEL_PRICE`), else no cost is known: a 422 says so rather than a cap that
   * never fires.
   */
  private costCapOf(record: SessionRecord, configUpdates: Record<string, unknown> | undefined): ReturnType<typeof costStop>[] {
    const cap = configUpdates?.['max_cost_usd'];
    if (cap === undefined) return [];
    if (typeof cap !== 'number' || !Number.isFinite(cap) || cap <= 0 || cap > 1_000_000) {
      throw new AppError('validation_error', { detail: 'config_updates.max_cost_usd must be a number of US dollars above 0 (at most 1000000).' });
    }
    if (this.core.deps.prices?.[record.agentName] === undefined) {
      throw new AppError('validation_error', { detail: `config_updates.max_cost_usd needs the prices of ${record.agentName}'s model, which this server does not have (STEWARD_MODEL_PRICE, STEWARD_FAST_MODEL_PRICE).` });
    }
    return [costStop(cap)];
  }

  /** The task's payment token, as its agent may use it. */
  private paymentsOf(record: SessionRecord, configUpdates: Record<string, unknown> | undefined): TaskPayments | undefined {
    const token = paymentTokenOf(configUpdates);
    return token === undefined ? undefined : this.paymentTokens.forTask(record.id, token);
  }

  private hostFor(record: SessionRecord, runtime: SessionRuntime, task: RunningTask, taskId: number): AskingHost {
    const { core } = this;
    const sessionId = record.id;
    let steps = 0;
    return {
      // Nothing is recorded while paused: once pause has answered, the log stands still until
      // resume (a decision in flight is recorded after it).
      record: async (entry) => {
        for (;;) {
          await this.checkpoint(task, task.abort.signal);
          const recorded = await runtime.lock.run(async () => {
            if (task.finalized) return true;
            if (task.pausedFrom !== undefined) return false;
            core.touch(sessionId);
            await core.append(sessionId, { type: entry.type, content: entry.content, metadata: entry.metadata, internal: entry.internal ?? false });
            if (entry.type === 'THOUGHT' && typeof entry.content === 'string') clientScreenOf(runtime)?.think(entry.content);
            // A THOUGHT per step: where the task stands now is what a worker adopting it restores.
            if (entry.type === 'THOUGHT') core.checkpoints?.note(runtime, taskId, ++steps);
            return true;
          });
          if (recorded) return;
        }
      },
      takeUpdates: () => task.updates.splice(0),
      checkpoint: (signal) => this.checkpoint(task, signal),
      ask: async (question, choices, signal, extra) => {
        for (;;) {
          await this.checkpoint(task, signal);
          const asked = await runtime.lock.run(async () => {
            if (task.finalized) throw signal.reason ?? new Error('task ended');
            const current = await core.read(sessionId);
            if (!current) throw signal.reason ?? new Error('session deleted');
            // Paused between the checkpoint and here: wait for resume, then ask.
            if (current.executionStatus === 'paused') return undefined;
            const answer = new Promise<string>((resolve) => {
              task.answer = { resolve };
            });
            const metadata = { ...(choices ? { choices } : {}), ...extra?.metadata };
            const asked = await core.append(sessionId, { type: 'QUESTION', content: question, metadata, internal: false });
            await extra?.onAsked(asked.id);
            const updated = await core.apply(current, { type: 'question_asked' });
            clientScreenOf(runtime)?.asked(question);
            // A receiver learns what an approval is for without reading the messages.
            core.webhook(updated, 'task.question', webhookPayloads.taskQuestion(question, metadata));
            // Wrapped so the lock is released now, not when the answer arrives.
            return { answer };
          });
          if (asked) return await raceSignal(asked.answer, signal);
        }
      },
    };
  }

  private checkpoint(task: RunningTask, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (task.pausedFrom === undefined) return Promise.resolve();
    return raceSignal(new Promise<void>((resolve) => task.resumeWaiters.push(resolve)), signal);
  }

  private withRuntime<T>(apiKeyId: string, sessionId: string, fn: (record: SessionRecord, runtime: SessionRuntime) => Promise<T>): Promise<T> {
    const runtime = this.core.runtimes.get(sessionId);
    if (!runtime) {
      // Terminated (or foreign/unknown) sessions have no runtime.
      return this.core.owned(apiKeyId, sessionId).then((record) => {
        if (record.status === 'terminated') throw new AppError('session_terminated');
        throw new AppError('session_busy');
      });
    }
    this.core.touch(sessionId);
    return runtime.lock.run(async () => fn(await this.core.owned(apiKeyId, sessionId), runtime));
  }
}

/** The ERROR that ends a task screening did not let through. */
function refusalEnd(outcome: ScreeningOutcome): TaskEnd {
  if (outcome.kind === 'allow') throw new Error('refusalEnd called for an allowed task');
  const rule = outcome.ruleId === null ? {} : { rule_id: outcome.ruleId };
  if (outcome.kind === 'unscreened') {
    return { kind: 'error', code: 'screening_failed', error: outcome.reason, metadata: { reason: outcome.reason, category: null, ...rule } };
  }
  return { kind: 'error', code: 'task_refused', error: outcome.reason, metadata: { reason: outcome.reason, category: outcome.category, screened_by: outcome.screenedBy, ...rule } };
}


/** `approval_policy` from create; sessions from before it existed ask for payments. */
function approvalPolicyOf(record: SessionRecord): ApprovalPolicy {
  const policy = record.options['approval_policy'];
  return (APPROVAL_POLICIES as readonly unknown[]).includes(policy) ? (policy as ApprovalPolicy) : 'payments_only';
}

/** `config_updates.payment_token`, checked to be the key's own when the message arrived. */
function paymentTokenOf(configUpdates: Record<string, unknown> | undefined): string | undefined {
  const token = configUpdates?.['payment_token'];
  return typeof token === 'string' ? token : undefined;
}

/**
 * `config_updates.output_schema`: a JSON Schema the DONE result must match (docs/script-policies.md).
 * Checked when the message arrives, so a bad schema is a 422, not a failed task.
 */
function outputSchemaOf(configUpdates: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const schema = configUpdates?.['output_schema'];
  if (schema === undefined) return undefined;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new AppError('validation_error', { detail: 'config_updates.output_schema must be a JSON Schema object.' });
  }
  try {
    compileOutputSchema(schema as Record<string, unknown>);
  } catch (error) {
    throw new AppError('validation_error', { detail: errorMessage(error), cause: error });
  }
  return schema as Record<string, unknown>;
}

/** A desktop session's screen, when the runtime has one. */
function clientScreenOf(runtime: SessionRuntime): ClientScreen | undefined {
  const browser = runtime.currentBrowser();
  return isClientScreen(browser) ? browser : undefined;
}
