import type { ActionClass, ApprovalPolicy } from '@steward/protocol';
import type { PaymentTokenFacts } from './payment-token-facts.ts';
import type { SessionDataLedger } from './session-data.ts';
import type { TaskBudget } from './task-budget.ts';
import type { TaskScope } from './task-scope.ts';

/**
 * One action the model planned, with what the step's observation says about it: the vocabulary
 * of the action gate. Pure data, so every policy is a function of it.
 */
export interface PlannedAction {
  tool: string;
  args: Readonly<Record<string, unknown>>;
  /** The element `args.index` names, as the observation showed it; undefined when there is none. */
  target?:
    | {
        role: string;
        name: string;
        tag: string;
        href?: string | undefined;
        sensitive?: boolean | undefined;
        /** The cross-origin frame's document the element is in; absent: the page's own. */
        frameUrl?: string | undefined;
        payment?: 'filled' | 'submit' | undefined;
      }
    | undefined;
  /** The page the action runs on. */
  url: string;
  /** Card fields filled from the task's payment token are on this page. */
  paymentFilled: boolean;
}

/** The action with the class the gate recognised (see `classifyAction`). */
export interface ClassifiedAction extends PlannedAction {
  actionClass: ActionClass | undefined;
}

/** What a policy knows beyond the action. */
export interface GateContext {
  approvalPolicy: ApprovalPolicy;
  /** The task's payment token as it stands now; undefined when the task has none. */
  payment: PaymentTokenFacts | undefined;
  /** The sites the task named; undefined: no data-flow rule applies (a caller without a task). */
  scope?: TaskScope | undefined;
  /** What of the session's data the task has met so far. */
  data?: SessionDataLedger | undefined;
  /** The most the task's text says it may spend. */
  budget?: TaskBudget | undefined;
}

/** The action an approval is asked for, as it is shown and kept. */
export interface ApprovalAction {
  kind: ActionClass;
  tool: string;
  element: { role: string; name: string } | null;
  /** Origin of the page (`https://shop.example`). */
  site: string;
  path: string;
}

/** What the user is asked, and the digest that names exactly this action. */
export interface ApprovalDetails {
  action: ApprovalAction;
  amount: number | null;
  currency: string | null;
  paymentToken: string | null;
  digest: string;
  question: string;
}

export type PolicyVerdict = { kind: 'allow' } | { kind: 'ask'; approval: ApprovalDetails } | { kind: 'refuse'; reason: string };

/**
 * One link of the gate's chain: a pure function of the action and the context. A policy that has
 * nothing to say about an action allows it; the chain decides (`reviewAction`).
 */
export interface ActionPolicy {
  readonly name: string;
  review(action: ClassifiedAction, context: GateContext): PolicyVerdict;
}

export type GateVerdict =
  | { kind: 'allow'; action: ClassifiedAction }
  | { kind: 'ask'; action: ClassifiedAction; approval: ApprovalDetails; policy: string }
  | { kind: 'refuse'; action: ClassifiedAction; reason: string; policy: string };

/** Runs the chain: the first refusal wins, else the first question, else the action is allowed. */
export function reviewAction(action: ClassifiedAction, context: GateContext, policies: readonly ActionPolicy[]): GateVerdict {
  let ask: GateVerdict | undefined;
  for (const policy of policies) {
    const verdict = policy.review(action, context);
    if (verdict.kind === 'refuse') return { kind: 'refuse', action, reason: verdict.reason, policy: policy.name };
    if (verdict.kind === 'ask' && ask === undefined) ask = { kind: 'ask', action, approval: verdict.approval, policy: policy.name };
  }
  return ask ?? { kind: 'allow', action };
}
