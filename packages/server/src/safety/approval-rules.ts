import type { ActionClass, ApprovalPolicy } from '@steward/protocol';
import { actionDigest } from './action-digest.ts';
import type { ActionPolicy, ApprovalAction, ApprovalDetails, ClassifiedAction, GateContext } from './action-review.ts';

const ASKED_BY: Readonly<Record<ApprovalPolicy, readonly ActionClass[]>> = {
  always: ['payment', 'send_message', 'delete_account', 'upload_file'],
  payments_only: ['payment'],
  never: [],
};

const WHAT: Readonly<Record<ActionClass, string>> = {
  payment: 'submit a payment',
  send_message: 'send a message',
  delete_account: 'delete an account',
  upload_file: 'upload a file',
};

/** The session's `approval_policy`: ask before the classes it names. */
export const approvalRule: ActionPolicy = {
  name: 'approval_policy',
  review(action, context) {
    if (action.actionClass === undefined || !ASKED_BY[context.approvalPolicy].includes(action.actionClass)) return { kind: 'allow' };
    return { kind: 'ask', approval: approvalFor(action, action.actionClass, context) };
  },
};

/** The question and the digest for one action; a payment names the fill's amount and the card's last four digits. */
export function approvalFor(action: ClassifiedAction, kind: ActionClass, context: GateContext): ApprovalDetails {
  const page = pageOf(action.url);
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
  const target = subject.element === null ? action.tool : `${subject.element.role} '${subject.element.name}'`;
  const money = amount === null || currency === null ? '' : ` for ${amount.toFixed(2)} ${currency}`;
  const card = payment === undefined ? '' : ` with the card ${payment.brand} •••• ${payment.last4}`;
  const uploads = kind === 'upload_file' && Array.isArray(action.args['files']) ? ` (${action.args['files'].map(String).join(', ')})` : '';
  const question = `Approval needed: the agent wants to ${WHAT[kind]}${money}${card} — ${action.tool} ${target}${uploads} on ${page.origin}${page.path}. Answer "approve" to let exactly this action run, or "deny".`;
  return { action: subject, amount, currency, paymentToken, digest: actionDigest({ action: subject, amount, currency, paymentToken }), question };
}

function pageOf(url: string): { origin: string; path: string } {
  try {
    const parsed = new URL(url);
    return { origin: parsed.origin, path: parsed.pathname };
  } catch {
    return { origin: url, path: '' };
  }
}
