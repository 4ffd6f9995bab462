import type { ActionClass, ApprovalPolicy } from '@steward/protocol';
import { actionDigest } from './action-digest.ts';
import type { ActionPolicy, ApprovalAction, ApprovalDetails, ClassifiedAction, GateContext } from './action-review.ts';

const ASKED_BY: Readonly<Record<ApprovalPolicy, readonly ActionClass[]>> = {
  always: ['payment', 'send_message', 'delete_account', 'upload_file', 'share_data'],
  // Data leaving for a site the task never named is asked about under every policy that asks at all.
  payments_only: ['payment', 'share_data'],
  never: [],
};

const WHAT: Readonly<Record<ActionClass, string>> = {
  payment: 'submit a payment',
  send_message: 'send a message',
  delete_account: 'delete an account',
  upload_file: 'upload a file',
  share_data: "carry this task's data to a site the task never named",
};

/** Whether the session's approval policy asks before actions of this class (otherwise they run, or, for `share_data`, are refused). */
export function policyAsks(policy: ApprovalPolicy, kind: ActionClass): boolean {
  return ASKED_BY[policy].includes(kind);
}

/** The session's `approval_policy`: ask before the classes it names. */
export const approvalRule: ActionPolicy = {
  name: 'approval_policy',
  review(action, context) {
    if (action.actionClass === undefined || !policyAsks(context.approvalPolicy, action.actionClass)) return { kind: 'allow' };
    return { kind: 'ask', approval: approvalFor(action, action.actionClass, context) };
  },
};

/**
 * The question and the digest for one action; a payment names the fill's amount and the card's
 * last four digits; carrying data names where it would go (`site`, `path`: the destination) and,
 * in `detail`, what it carries.
 */
export function approvalFor(action: ClassifiedAction, kind: ActionClass, context: GateContext, detail?: string): ApprovalDetails {
  const page = pageOf(kind === 'share_data' ? destinationOf(action) : action.url);
  const subject: ApprovalAction = {
    kind,
    tool: action.tool,
    element: action.target === undefined ? null : { role: action.target.role, name: action.target.name },
    site: page.origin,
    path: page.path,
  };
  const payment = kind === 'payment' && action.paymentFilled && context.payment?.reservedHere === true ? context.payment : undefined;
  const amount = payment?.reservedFor?.amount ?? null;
  const currency = payment?.reservedFor?.currency ?? null;
  const paymentToken = payment?.id ?? null;
  const target = subject.element === null ? '' : ` ${subject.element.role} '${subject.element.name}'`;
  const money = amount === null || currency === null ? '' : ` for ${amount.toFixed(2)} ${currency}`;
  const card = payment === undefined ? '' : ` with the card ${payment.brand} •••• ${payment.last4}`;
  const uploads = kind === 'upload_file' && Array.isArray(action.args['files']) ? ` (${action.args['files'].map(String).join(', ')})` : '';
  const where = kind === 'share_data' ? `to ${page.origin}${page.path}${detail === undefined ? '' : `, carrying ${detail}`}` : `on ${page.origin}${page.path}`;
  const question = `Approval needed: the agent wants to ${WHAT[kind]}${money}${card} — ${action.tool}${target}${uploads} ${where}. Answer "approve" to let exactly this action run, or "deny".`;
  return { action: subject, amount, currency, paymentToken, digest: actionDigest({ action: subject, amount, currency, paymentToken }), question };
}

/**
 * Where an action sends what it carries: the URL it opens, the link it follows, or the document
 * it types into (a cross-origin frame's, when the element is in one).
 */
export function destinationOf(action: ClassifiedAction): string {
  if ((action.tool === 'navigate' || action.tool === 'open_tab') && typeof action.args['url'] === 'string') return action.args['url'];
  if (action.tool === 'click' && action.target?.href !== undefined) return action.target.href;
  return action.target?.frameUrl ?? action.url;
}

function pageOf(url: string): { origin: string; path: string } {
  try {
    const parsed = new URL(url);
    return { origin: parsed.origin, path: parsed.pathname };
  } catch {
    return { origin: url, path: '' };
  }
}
