import type { ActionClass } from '@steward/protocol';
import type { PlannedAction } from './action-review.ts';

// Element names are at most 80 characters (observation), so these plain patterns stay cheap.
// "Pay" counts alone, with "now"/"securely", or with an amount: "Pay by card instead" or "Pay with
// PayPal" choose a way to pay, they pay nothing.
const PURCHASE = /^\s*pay( now| securely)?\s*$|\bpay \S{0,12}\d|\b(place (your |my )?order|buy( it)? now|complete (purchase|order|payment|checkout)|confirm (and pay|purchase|payment|order|booking)|submit (order|payment)|checkout now|purchase( now)?|order now|book( and pay)? now|subscribe( and pay)?)\b/i;
const SEND = /\b(send( message| email| mail| reply| now)?|reply( all)?|post( comment| reply| review)?|publish|submit (comment|review|message)|tweet|share now)\b/i;
const DELETE_ACCOUNT = /\b(delete|close|deactivate|terminate|remove|cancel) (my |your |the )?(account|profile|membership)\b/i;
/** Controls whose click submits what they belong to. */
const SUBMITTING_ROLES = new Set(['button', 'link', 'menuitem']);

/**
 * The consequential class of a planned action, or undefined for an ordinary one: submitting a
 * payment or a final purchase, sending a message or an email, deleting an account, uploading a
 * file. Recognised by the element's accessible name, by the tool (`upload_file`), and, while card
 * fields filled from a payment token are on the page, by what submits them: their form's submit
 * controls (the browser marks them), and Enter pressed on the page.
 */
export function classifyAction(action: PlannedAction): ActionClass | undefined {
  if (action.tool === 'upload_file') return 'upload_file';
  const submits = submitsSomething(action);
  if (!submits) return undefined;
  const name = action.target?.name ?? '';
  if (action.target?.payment === 'submit') return 'payment';
  if (PURCHASE.test(name)) return 'payment';
  if (action.paymentFilled && (action.tool === 'press' || action.tool === 'type')) return 'payment';
  if (DELETE_ACCOUNT.test(name)) return 'delete_account';
  if (SEND.test(name)) return 'send_message';
  return undefined;
}

/** Whether the action can send something: a click on a control, Enter, or typing that ends with Enter. */
function submitsSomething(action: PlannedAction): boolean {
  switch (action.tool) {
    case 'click':
    case 'click_at':
    case 'drag':
      return action.target !== undefined && (SUBMITTING_ROLES.has(action.target.role) || action.target.tag === 'button' || action.target.tag === 'input');
    case 'press':
      return typeof action.args['key'] === 'string' && /(^|\+)Enter$/i.test(action.args['key']);
    case 'type':
      return action.args['submit'] === true;
    default:
      return false;
  }
}
