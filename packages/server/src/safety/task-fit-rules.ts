import type { ActionPolicy, ClassifiedAction, GateContext, PolicyVerdict } from './action-review.ts';
import { approvalFor, destinationOf } from './approval-rules.ts';
import { hostOf } from './task-scope.ts';

/**
 * Each planned action screened against the task, beyond where its data goes (`dataFlowRule`):
 * a password typed into a site the task never named, one message to a crowd, a payment beyond
 * what the task said it may spend.
 */

/** Recipients in one field from which a message is bulk mail: more than a person writes to by hand. */
export const BULK_RECIPIENTS = 10;
const RECIPIENT_FIELD = /\b(to|recipients?|cc|bcc|send to|add people|invite|members?)\b/i;
const PLACEHOLDERS = /\{\{secret:[A-Za-z0-9_]+\}\}/g;

/** Credentials (what goes into a password or one-time-code field) only on the sites the task names, unless the user approves. */
export const credentialsRule: ActionPolicy = {
  name: 'credentials',
  review(action, context) {
    const text = action.args['text'];
    if (action.tool !== 'type' || action.target?.sensitive !== true || typeof text !== 'string' || context.scope === undefined) return { kind: 'allow' };
    // A session secret goes where its vault says; the browser asks it for the field's own frame.
    const where = destinationOf(action);
    if (text.replace(PLACEHOLDERS, '').trim() === '' || context.scope.includes(where)) return { kind: 'allow' };
    return askOrRefuse(action, context, 'share_data', 'a password or code typed into a site the task never named', `typing into the ${action.target.name || 'password'} field of ${hostOf(where)}, a site the task never named`);
  },
};

/** One message to many people (a recipients field holding a crowd) is asked about; the agent does not spam on its own. */
export const bulkMessageRule: ActionPolicy = {
  name: 'bulk_message',
  review(action, context) {
    const text = action.args['text'];
    if (action.tool !== 'type' || typeof text !== 'string' || !RECIPIENT_FIELD.test(action.target?.name ?? '')) return { kind: 'allow' };
    const recipients = text.split(/[,;\n]+/).filter((part) => part.trim() !== '').length;
    const emails = (text.match(/[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+/g) ?? []).length;
    const count = Math.max(recipients, emails);
    if (count < BULK_RECIPIENTS) return { kind: 'allow' };
    return askOrRefuse(action, context, 'send_message', `a message to ${count} recipients`, `addressing one message to ${count} recipients`);
  },
};

/** A payment beyond what the task said it may spend is refused, whatever the token allows. */
export const taskBudgetRule: ActionPolicy = {
  name: 'task_budget',
  review(action, context) {
    const budget = context.budget;
    if (action.tool !== 'fill_payment' || budget === undefined) return { kind: 'allow' };
    const amount = Number(action.args['amount']);
    const currency = String(action.args['currency'] ?? '').toUpperCase();
    if (budget.currency !== undefined && currency !== budget.currency) {
      return { kind: 'refuse', reason: `the task allows at most ${budget.amount.toFixed(2)} ${budget.currency}, and this payment is in ${currency || 'another currency'}.` };
    }
    if (Number.isFinite(amount) && amount > budget.amount + 1e-9) {
      return { kind: 'refuse', reason: `the task allows at most ${budget.amount.toFixed(2)} ${budget.currency ?? ''}, and this payment is ${amount.toFixed(2)} ${currency}.`.replace(/ +,/g, ',') };
    }
    return { kind: 'allow' };
  },
};

function askOrRefuse(action: ClassifiedAction, context: GateContext, kind: 'share_data' | 'send_message', detail: string, what: string): PolicyVerdict {
  // Asked under every policy that asks at all, whatever it names: these are never routine.
  if (context.approvalPolicy === 'never') {
    return { kind: 'refuse', reason: `${what} needs the user's approval, and this session's approval_policy is never. Ask the user if the task needs it.` };
  }
  return { kind: 'ask', approval: approvalFor(action, kind, context, detail) };
}

