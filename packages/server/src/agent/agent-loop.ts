import type { SessionBrowser } from '../browser/port.ts';
import { BrowserClosedError } from '../browser/port.ts';
import { isClientScreen } from '../browser/client-screen.ts';
import type { HistoryEntry, LanguageModel, ToolCall } from '../llm/port.ts';
import type { MessageContent } from '../domain/index.ts';
import { errorMessage } from '../util/abort.ts';
import type { ApprovalPolicy } from '@steward/protocol';
import type { ActionPolicy, TaskScope } from '../safety/index.ts';
import { ActionGate } from './action-gate.ts';
import type { AgentHost } from './agent-host.ts';
import type { TaskPayments } from './task-payments.ts';
import { z } from 'zod';
import { compileOutputSchema } from './json-schema.ts';
import { fitObservation } from './observation-format.ts';
import { PageDataFence } from './page-data-fence.ts';
import { profileFor } from './profiles.ts';
import { RepeatGuard } from './repeat-guard.ts';
import { stepMessages, systemPrompt } from './prompt.ts';
import { captureStepFrame, type StepFrames } from './step-frames.ts';
import { AGENT_TOOLS, toolSpecs, type ToolResult } from './tools/index.ts';
import { TypedSecrets } from './typed-secrets.ts';
import { failuresStop, firstStop, noActionStop, stuckStop, type LoopState, type StopCondition } from './stop-conditions.ts';

export interface AgentTaskInput {
  task: string;
  startUrl?: string | undefined;
  browser: SessionBrowser;
  model: LanguageModel;
  host: AgentHost;
  maxSteps: number;
  /** Aborts on cancel, delete, shutdown or the task's wall-time budget. */
  signal: AbortSignal;
  modelTimeoutMs?: number;
  /** `agi-0` or `agi-0-fast`: picks the profile. */
  agentName?: string;
  /** JSON Schema the DONE result must match (from `config_updates.output_schema`). */
  outputSchema?: Record<string, unknown> | undefined;
  /** USD per million input/output tokens of this model, when the operator set them. */
  price?: { input: number; output: number } | undefined;
  /** The session's `approval_policy` (default `payments_only`). */
  approvalPolicy?: ApprovalPolicy | undefined;
  /** The task's payment token (`config_updates.payment_token`), for `fill_payment`. */
  payments?: TaskPayments | undefined;
  /** Policies the action gate runs after its own (see `ActionGate`). */
  policies?: readonly ActionPolicy[] | undefined;
  /** The sites the task named: where its data may go (see `TaskScope`). Follow-ups extend it. */
  scope?: TaskScope | undefined;
  /**
   * The session's secrets: the names the agent may type as `{{secret:NAME}}`, and the values, which
   * only the gate and the redactor see (the browser types them; the model never does).
   */
  secrets?: { names: readonly string[]; values: readonly string[] } | undefined;
  /** Stop conditions after the built-in ones (no action, stuck, failures in a row): e.g. `costStop`. */
  stopConditions?: readonly StopCondition[] | undefined;
  /** Where a small picture of each step's page is kept (the session's replay); absent: none is taken. */
  stepFrames?: StepFrames | undefined;
}

/** How a task ended when it was not cancelled (cancellation rejects with the signal's reason). */
export type AgentOutcome =
  | { kind: 'done'; content: MessageContent; metadata: Record<string, unknown> }
  | { kind: 'failed'; error: string; metadata: Record<string, unknown> };

/** The built-in stop conditions' limits (see `stop-conditions.ts`). */
const MAX_TURNS_WITHOUT_ACTION = 3;
const MAX_CONSECUTIVE_FAILURES = 5;

/**
 * observe → decide → check → act → record, until `done`, a stop condition, or cancellation.
 * Questions suspend the loop inside `ask_user` (the host waits for the answer); so do approvals,
 * inside the action gate's check.
 *
 * Text typed into a sensitive field (a password) leaves the task nowhere: not in what is
 * recorded (through the guarded host), not in the outcome, not in an error (see `TypedSecrets`).
 */
export async function runAgentTask(input: AgentTaskInput): Promise<AgentOutcome> {
  const secrets = new TypedSecrets(input.secrets?.values);
  const host = secrets.guard(input.host);
  const gate = new ActionGate({
    host,
    browser: input.browser,
    approvalPolicy: input.approvalPolicy ?? 'payments_only',
    payments: input.payments,
    policies: input.policies,
    scope: input.scope,
    task: input.task,
    secretValues: input.secrets?.values,
  });
  try {
    await input.browser.setNavigationGuard(gate.navigationGuard());
    return secrets.redact(await runLoop({ ...input, host }, secrets, gate));
  } catch (error) {
    secrets.redactError(error);
    throw error;
  } finally {
    // A card filled but never submitted is cleared and its token released.
    await gate.close();
    // Between tasks the API's own navigate is the user's doing, not the agent's.
    await input.browser.setNavigationGuard(undefined).catch(() => undefined);
  }
}

async function runLoop(input: AgentTaskInput, secrets: TypedSecrets, gate: ActionGate): Promise<AgentOutcome> {
  const { browser, model, host, signal } = input;
  const profile = profileFor(input.agentName ?? 'agi-0');
  const outputValidator = input.outputSchema === undefined ? undefined : compileOutputSchema(input.outputSchema);
  const repeats = new RepeatGuard();
  const fence = new PageDataFence();
  // A desktop session's screen: the client's pixels only, so points and keys, and the image always.
  const onScreen = isClientScreen(browser);
  const tools = toolSpecs(onScreen ? 'screen' : 'page');
  const history: HistoryEntry[] = [];
  const updates: string[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  let turnsWithoutAction = 0;
  let consecutiveFailures = 0;
  const costOf = (u: { inputTokens: number; outputTokens: number }): number | undefined =>
    input.price === undefined ? undefined : Math.round(((u.inputTokens * input.price.input + u.outputTokens * input.price.output) / 1e6) * 1e6) / 1e6;
  const withCost = (u: { inputTokens: number; outputTokens: number }): Record<string, unknown> => {
    const cost = costOf(u);
    return cost === undefined ? { ...u } : { ...u, costUsd: cost };
  };
  const summary = (step: number): Record<string, unknown> => ({ steps: step, actions: history.length, usage: withCost(usage) });
  let plan: string | undefined;
  const stops: StopCondition[] = [noActionStop(MAX_TURNS_WITHOUT_ACTION), stuckStop(profile.repeatFailAt), failuresStop(MAX_CONSECUTIVE_FAILURES), ...(input.stopConditions ?? [])];
  const state = (step: number, last?: LoopState['last']): LoopState => ({ step, maxSteps: input.maxSteps, turnsWithoutAction, consecutiveFailures, last, usage: { ...usage, costUsd: costOf(usage) } });

  if (input.startUrl !== undefined) {
    await host.checkpoint(signal);
    const result = await executeTool({ tool: 'navigate', args: { url: input.startUrl } }, input, fence, outputValidator);
    await recordStep(host, 0, { tool: 'navigate', args: { url: input.startUrl } }, result);
    history.push({ step: 0, action: { tool: 'navigate', args: { url: input.startUrl } }, result: { ok: result.ok, message: result.message } });
  }

  for (let step = 1; step <= input.maxSteps; step++) {
    await host.checkpoint(signal);
    const arrived = host.takeUpdates();
    gate.noteUpdates(arrived);
    updates.push(...arrived);
    const seen = await browser.observe({ signal });
    secrets.observe(seen);
    gate.observe(seen);
    const observation = fitObservation(seen, profile.observation);
    const messages = stepMessages({
      task: input.task,
      updates,
      history,
      observation,
      step,
      maxSteps: input.maxSteps,
      fence,
      historyWindow: profile.historyWindow,
      outputSchema: input.outputSchema,
      plan,
      secretNames: input.secrets?.names,
      paymentToken: input.payments?.tokenId,
    });
    // A tab with an open dialog paints nothing: the dialog is in the observation instead.
    if ((profile.vision || onScreen) && model.supportsVision && observation.dialog?.open !== true) {
      const shot = await browser.screenshot({ signal, marks: true });
      const last = messages[messages.length - 1];
      if (last?.role === 'user') {
        last.imageJpeg = shot.jpeg;
        if (shot.mediaType !== undefined) last.imageMediaType = shot.mediaType;
      }
    }
    const system = systemPrompt(fence, onScreen ? 'screen' : 'page');
    await host.record({ type: 'LOG', content: messages.map((m) => m.content).join('\n'), metadata: { kind: 'prompt', step }, internal: true });

    // The replay's picture of the page this step decides on, taken while the model thinks (after
    // the marked screenshot, whose labels must not show in it). An open dialog paints nothing.
    const framing = input.stepFrames === undefined || observation.dialog?.open === true ? undefined : captureStepFrame(browser, input.stepFrames, step, (text) => secrets.redact(text), signal);
    const decision = await model.decide({
      prompt: { system, messages },
      context: {
        task: input.task,
        updates: [...updates],
        observation,
        step,
        history: [...history],
        screenshot: async () => (await browser.screenshot({ signal, marks: true })).jpeg,
      },
      tools,
      signal,
      ...(input.modelTimeoutMs === undefined ? {} : { timeoutMs: input.modelTimeoutMs }),
    });
    // Its actions change the page: the picture must be taken first (it never rejects).
    await framing;
    // Before anything of the decision is recorded: its thought may repeat what it is about to type.
    secrets.screen(decision.actions);
    const thought = secrets.redact(decision.thought);
    if (decision.usage) {
      usage.inputTokens += decision.usage.inputTokens;
      usage.outputTokens += decision.usage.outputTokens;
    }
    // The THOUGHT first: it is what people watch, so it goes out before the bookkeeping. It
    // carries the step's tokens (and cost) too, so a viewer shows them without internal messages.
    if (thought) await host.record({ type: 'THOUGHT', content: thought, metadata: { step, ...(decision.usage ? { usage: withCost(decision.usage) } : {}) } });
    await host.record({ type: 'LOG', content: { thought: thought ?? null, actions: decision.actions.map((a) => secrets.mask(a)) }, metadata: { kind: 'model_output', step, usage: decision.usage ? withCost(decision.usage) : null }, internal: true });
    // The latest thought is the agent's working plan; the next prompt shows it so it can revise it.
    if (thought) plan = thought;

    if (decision.actions.length === 0) {
      turnsWithoutAction++;
      const stop = firstStop(stops, state(step));
      if (stop !== undefined) return { kind: 'failed', error: stop.error, metadata: summary(step) };
      continue;
    }
    turnsWithoutAction = 0;

    const runnable = Math.min(decision.actions.length, profile.maxActionsPerStep);
    for (let index = 0; index < runnable; index++) {
      const action = decision.actions[index]!;
      await host.checkpoint(signal);
      const checked = await gate.check(action, seen, signal); // payment rules, approvals: allow, ask the user, or refuse
      const result = checked.run ? await executeTool(action, input, fence, outputValidator) : checked.result;
      await gate.settle(checked, result); // a submitted payment spends its token
      if (result.usage) {
        usage.inputTokens += result.usage.inputTokens;
        usage.outputTokens += result.usage.outputTokens;
      }
      // Loops: the same action on a page that has not changed since it was last taken.
      const times = repeats.note(observation, action, step);
      // What is recorded and what the model is shown again: never the text typed into a password.
      const shown = secrets.mask(action);
      if (!result.final) consecutiveFailures = result.ok ? 0 : consecutiveFailures + 1;
      const stop = result.final ? undefined : firstStop(stops, state(step, { tool: action.tool, url: observation.url, ok: result.ok, message: result.message, repeats: times }));
      if (stop === undefined && times >= profile.repeatWarnAt && !result.final) {
        result.message += ` (You have done exactly this ${times} times and the page looked the same each time; it is not working. Try a different approach, ask the user, or finish with success=false.)`;
      }
      const endsStep = result.final !== undefined || stop !== undefined || result.pageChanged === true || index === runnable - 1;
      const unrun = endsStep ? decision.actions.slice(index + 1) : [];
      if (unrun.length > 0 && result.final === undefined && stop === undefined) result.message += ` ${unrunNote(unrun, result.pageChanged === true, profile.maxActionsPerStep)}`;
      await recordStep(host, step, shown, result, observation.url);
      history.push({ step, ...(thought ? { thought } : {}), action: shown, result: { ok: result.ok, message: secrets.redact(result.message) } });
      if (stop !== undefined) return { kind: 'failed', error: stop.error, metadata: summary(step) };
      if (result.final) {
        const metadata = summary(step);
        return result.final.success
          ? { kind: 'done', content: result.final.content, metadata }
          : { kind: 'failed', error: typeof result.final.content === 'string' ? result.final.content : JSON.stringify(result.final.content), metadata: { ...metadata, result: result.final.content } };
      }
      if (result.pageChanged) break;
    }
  }
  return { kind: 'failed', error: `Step budget exhausted: the task did not finish within ${input.maxSteps} steps.`, metadata: summary(input.maxSteps) };
}

/** Says which of a step's actions were not run and why, so the model can send them again. */
function unrunNote(unrun: readonly ToolCall[], pageChanged: boolean, perStep: number): string {
  const tools = unrun.map((a) => a.tool).join(', ');
  const actions = unrun.length === 1 ? 'action' : `${unrun.length} actions`;
  const were = unrun.length === 1 ? 'was' : 'were';
  return pageChanged
    ? `(The page changed, so this step's remaining ${actions} (${tools}) ${were} not run: aimed at the old page. Choose again from the new page.)`
    : `(At most ${perStep} actions run per step, so the last ${actions} of this step (${tools}) ${were} not run. Send them in the next step.)`;
}

async function executeTool(call: ToolCall, input: AgentTaskInput, fence: PageDataFence, outputSchema?: z.ZodType): Promise<ToolResult> {
  const tool = AGENT_TOOLS.get(call.tool);
  if (!tool) return { ok: false, message: `Unknown tool '${call.tool}'. Available: ${[...AGENT_TOOLS.keys()].join(', ')}.` };
  const parsed = tool.args.safeParse(call.args ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ');
    return { ok: false, message: `Invalid arguments for ${call.tool}: ${problems}` };
  }
  try {
    const model = { model: input.model, fence, task: input.task, timeoutMs: input.modelTimeoutMs };
    return await tool.execute({ browser: input.browser, host: input.host, signal: input.signal, outputSchema, model, payments: input.payments }, parsed.data);
  } catch (error) {
    if (input.signal.aborted || error instanceof BrowserClosedError) throw error;
    return { ok: false, message: `${call.tool} failed: ${errorMessage(error)}` };
  }
}

async function recordStep(host: AgentHost, step: number, action: ToolCall, result: ToolResult, url?: string): Promise<void> {
  if (action.tool === 'done' || action.tool === 'ask_user') return;
  await host.record({
    type: 'LOG',
    content: result.message.split('\n')[0] ?? result.message,
    metadata: { kind: 'step', step, action, ok: result.ok, ...(url === undefined ? {} : { url }) },
  });
}

// The schema validator lives in its own file so tools (extract) can use it too.
export { compileOutputSchema, InvalidOutputSchemaError } from './json-schema.ts';
