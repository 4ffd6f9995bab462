import type { ApprovalPolicy } from '@steward/protocol';
import type { NavigationGuard, Observation, ObservedElement, SessionBrowser } from '../browser/port.ts';
import type { ToolCall } from '../llm/port.ts';
import { isPlainObject } from '../util/safe-json.ts';
import {
  approvalFor,
  approvalRule,
  bulkMessageRule,
  classifyAction,
  credentialsRule,
  taskBudgetOf,
  taskBudgetRule,
  type TaskBudget,
  dataFlowRule,
  destinationOf,
  hostOf,
  payloadOf,
  SessionDataLedger,
  siteOf,
  type TaskScope,
  paymentTokenRule,
  reviewAction,
  type ActionPolicy,
  type ClassifiedAction,
  type GateContext,
  type GateVerdict,
  type PaymentTokenFacts,
  type PlannedAction,
} from '../safety/index.ts';
import type { AgentHost, ApprovalOutcome } from './agent-host.ts';
import type { TaskPayments } from './task-payments.ts';
import type { ToolResult } from './tools/index.ts';

export interface ActionGateOptions {
  host: AgentHost;
  browser: SessionBrowser;
  approvalPolicy: ApprovalPolicy;
  /** The task's payment token, when it was given one. */
  payments?: TaskPayments | undefined;
  /** Policies after the built-in ones (a budget): each sees every action. */
  policies?: readonly ActionPolicy[] | undefined;
  /** The sites the task named (see `TaskScope`); without it the data-flow rule lets everything through. */
  scope?: TaskScope | undefined;
  /** The task's text: its private values are session data. */
  task?: string | undefined;
  /** Values of the session's secrets: session data that never leaves for another site. */
  secretValues?: readonly string[] | undefined;
}

/** What the gate decided for one action: run it (maybe after an approval), or not, with the result the model reads. */
export type GateDecision =
  | { run: true; action: ClassifiedAction; approval?: ApprovalOutcome | undefined }
  | { run: false; action: ClassifiedAction; result: ToolResult };

/**
 * Every action the agent plans passes here before it runs: the planned action with what the
 * observation says of it (its element, the page, filled card fields) goes through a chain of pure
 * policies from `safety/` (payment token rules, the session's approval policy, any added ones),
 * which answer allow, ask or refuse. Asking is the user's approval through the host; an approved
 * action runs only if the page still shows exactly that action. After an action ran, `settle`
 * keeps the token's state true to what happened: a submitted payment spends it.
 */
export class ActionGate {
  readonly #options: ActionGateOptions;
  readonly #policies: readonly ActionPolicy[];
  /** What the task knows that other sites must not get (the data-flow rule's evidence). */
  readonly #data = new SessionDataLedger();
  /**
   * What the user approved carrying to which site (normalised values by site): the navigation
   * guard lets exactly those go there, and nothing else — an approval for an order number is no
   * licence for the password.
   */
  readonly #approvedFlows = new Map<string, Set<string>>();
  /** What the task's text says it may spend (a follow-up can lower it, never raise it). */
  #budget: TaskBudget | undefined;

  constructor(options: ActionGateOptions) {
    this.#options = options;
    this.#policies = [paymentTokenRule, taskBudgetRule, approvalRule, dataFlowRule, credentialsRule, bulkMessageRule, ...(options.policies ?? [])];
    if (options.task !== undefined) {
      this.#data.addTaskText(options.task);
      this.#budget = taskBudgetOf(options.task);
    }
    for (const value of options.secretValues ?? []) this.#data.addSecret(value);
  }

  /** Every observation the model is shown: text read on the task's own sites becomes session data. */
  observe(observation: Observation): void {
    if (this.#options.scope?.includes(observation.url) !== true) return;
    this.#data.addRead(observation.text);
    for (const element of observation.elements) {
      if (element.href !== undefined) this.#data.addShownUrl(element.href);
      if (element.sensitive === true) continue;
      this.#data.addRead(element.name);
      if (element.value !== undefined) this.#data.addRead(element.value);
    }
  }

  /**
   * The browser half of the data-flow rule, for `SessionBrowser.setNavigationGuard`: a document
   * request (a link followed, a form submitted, a script's navigation) leaving for a site the task
   * never named is stopped when it carries a secret, or a value of the task's or typed on its
   * sites, unless the user approved carrying data there.
   */
  navigationGuard(): NavigationGuard {
    return (request) => {
      const { scope } = this.#options;
      const site = siteOf(request.url);
      if (scope === undefined || site === undefined || scope.includes(request.url)) return undefined;
      const host = hostOf(request.url);
      // No approval covers a secret.
      if (request.carriesSecret) return `it would carry a secret to ${host}, which the task never named.`;
      const referer = request.referer === undefined ? '' : payloadOf(request.referer);
      const approved = this.#approvedFlows.get(site);
      const carried = this.#data.carriedAll(`${payloadOf(request.url)} ${request.body ?? ''} ${referer}`, { read: false }).find((c) => approved?.has(c.value) !== true);
      if (carried === undefined) return undefined;
      return `it would carry ${carried.hint} to ${host}, which the task never named (its sites: ${scope.sites.join(', ') || 'none'}). If the task needs it, ask the user.`;
    };
  }

  /** Follow-up messages: their private values are session data, and the sites they name join the task's. */
  noteUpdates(updates: readonly string[]): void {
    for (const text of updates) {
      this.#data.addTaskText(text);
      this.#options.scope?.addText(text);
      const budget = taskBudgetOf(text);
      if (budget !== undefined && (this.#budget === undefined || budget.amount < this.#budget.amount)) this.#budget = budget;
    }
  }

  async check(call: ToolCall, observation: Observation, signal: AbortSignal): Promise<GateDecision> {
    const action = classify(call, observation);
    const verdict = reviewAction(action, await this.#context(action), this.#policies);
    if (verdict.kind === 'refuse') return { run: false, action, result: { ok: false, message: `Refused (${verdict.policy}): ${verdict.reason}` } };
    if (verdict.kind === 'allow') return { run: true, action };
    return this.#ask(call, verdict, signal);
  }

  /** After the action ran: an approved (or, under `never`, unasked) payment submission spends the token. */
  async settle(decision: GateDecision, result: ToolResult): Promise<void> {
    if (!decision.run) return;
    await decision.approval?.executed(true);
    // What the agent typed on the task's own sites is the user's data; on another site it was
    // judged to carry none (else it was asked about), and that site has it already.
    const text = decision.action.args['text'];
    if (decision.action.tool === 'type' && typeof text === 'string' && result.ok && this.#options.scope?.includes(decision.action.url) === true) this.#data.addTyped(text);
    const { payments } = this.#options;
    if (decision.action.actionClass !== 'payment' || !decision.action.paymentFilled || payments === undefined || !result.ok) return;
    const spent = await payments.spend();
    result.message += spent.ok ? ` The payment was submitted with token ${payments.tokenId}, which is now spent.` : ` (${spent.reason})`;
  }

  /**
   * The task ends: a payment filled but never submitted is abandoned, so its fields are cleared
   * and the token released. Never throws: the task's own outcome matters more.
   */
  async close(): Promise<void> {
    const { payments, browser } = this.#options;
    if (payments === undefined) return;
    try {
      const facts = await payments.facts();
      if (facts?.reservedHere !== true) return;
      await browser.act({ kind: 'clear_secrets' }).catch(() => undefined);
      await payments.release();
    } catch {
      // The task's own outcome is what gets reported; a token left reserved is released by the next use's checks failing safe.
    }
  }

  async #ask(call: ToolCall, verdict: Extract<GateVerdict, { kind: 'ask' }>, signal: AbortSignal): Promise<GateDecision> {
    const { host, browser, payments } = this.#options;
    const { action, approval } = verdict;
    const outcome = await host.approve(approval, signal);
    if (!outcome.approved) {
      let undone = '';
      if (action.actionClass === 'payment' && action.paymentFilled && payments !== undefined) {
        await browser.act({ kind: 'clear_secrets' }, { signal });
        await payments.release();
        undone = ' The card fields were cleared and the payment token released.';
      }
      return {
        run: false,
        action,
        result: { ok: false, message: `The user did not approve this action (answer: ${JSON.stringify(outcome.answer.slice(0, 200))}); nothing was done.${undone} Do not try it again unless the user asks for it.` },
      };
    }
    // The page may have changed while the question waited: what runs must be exactly what was approved.
    const now = classify(call, await browser.observe({ signal }));
    if (approvalFor(now, approval.action.kind, await this.#context(now)).digest !== approval.digest) {
      await outcome.executed(false);
      return { run: false, action, result: { ok: false, message: 'The page changed while the approval was pending, so the approved action is no longer the same; nothing was done. Look at the page again.', pageChanged: true } };
    }
    if (approval.action.kind === 'share_data') this.#approveFlow(now);
    return { run: true, action, approval: outcome };
  }

  /** Records what an approved action carries to its destination, for the navigation guard. */
  #approveFlow(action: ClassifiedAction): void {
    const destination = destinationOf(action);
    const site = siteOf(destination);
    if (site === undefined) return;
    const text = action.tool === 'type' && typeof action.args['text'] === 'string' ? action.args['text'] : payloadOf(destination);
    const values = this.#approvedFlows.get(site) ?? new Set<string>();
    for (const carried of this.#data.carriedAll(text)) values.add(carried.value);
    this.#approvedFlows.set(site, values);
  }

  async #context(action: ClassifiedAction): Promise<GateContext> {
    return { approvalPolicy: this.#options.approvalPolicy, payment: await this.#paymentFor(action), scope: this.#options.scope, data: this.#data, budget: this.#budget };
  }

  /** The token's facts when a policy may need them: for a fill, a payment, or a page holding a filled card. */
  async #paymentFor(action: ClassifiedAction): Promise<PaymentTokenFacts | undefined> {
    const { payments } = this.#options;
    if (payments === undefined) return undefined;
    if (action.tool !== 'fill_payment' && action.actionClass !== 'payment' && !action.paymentFilled) return undefined;
    return payments.facts();
  }
}

/**
 * The element an action is aimed at: the one `index` names, or for a press at a point
 * (`click_at`, a `drag`'s start) the observed element drawn there, so a click by coordinates is
 * judged as the click on that element would be.
 */
function targetOf(tool: string, args: Readonly<Record<string, unknown>>, observation: Observation): ObservedElement | undefined {
  const byIndex = (index: unknown) => (typeof index === 'number' ? observation.elements.find((e) => e.index === index) : undefined);
  if (tool === 'click_at') return elementAt(observation, args['x'], args['y']);
  if (tool === 'drag') {
    const from = args['from'];
    return typeof from === 'number' ? byIndex(from) : isPlainObject(from) ? elementAt(observation, from['x'], from['y']) : undefined;
  }
  return byIndex(args['index']);
}

/** The smallest observed element of the tab's viewport whose box holds the point. */
function elementAt(observation: Observation, x: unknown, y: unknown): ObservedElement | undefined {
  if (typeof x !== 'number' || typeof y !== 'number') return undefined;
  let best: ObservedElement | undefined;
  for (const element of observation.elements) {
    const box = element.box;
    if (box === undefined || x < box.x || y < box.y || x >= box.x + box.width || y >= box.y + box.height) continue;
    if (best?.box === undefined || box.width * box.height < best.box.width * best.box.height) best = element;
  }
  return best;
}

/** The planned action as the gate's policies see it. */
function classify(call: ToolCall, observation: Observation): ClassifiedAction {
  const args = call.args ?? {};
  const element = targetOf(call.tool, args, observation);
  const planned: PlannedAction = {
    tool: call.tool,
    args,
    ...(element === undefined ? {} : { target: { role: element.role, name: element.name, tag: element.tag, href: element.href, sensitive: element.sensitive, frameUrl: element.frameUrl, payment: element.payment } }),
    url: observation.url,
    paymentFilled: observation.elements.some((e) => e.payment === 'filled'),
  };
  return { ...planned, actionClass: classifyAction(planned) };
}

