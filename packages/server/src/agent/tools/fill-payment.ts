import { z } from 'zod';
import { PAYMENT_FIELDS, type PaymentField } from '../../browser/secret-vault.ts';
import { runBrowserAction } from './browser-action-tool.ts';
import { defineTool } from './tool.ts';

const fieldIndex = z.number().int().min(0);

export const fillPaymentTool = defineTool({
  name: 'fill_payment',
  description:
    "Fill the card of the task's payment token into the checkout form: `fields` gives the index of the field for each part of the card (number and cvc; the expiry as one field `exp` or as `exp_month` and `exp_year`; name and postal_code when the form asks). " +
    'The values go into the page without you seeing them; the fields then show •••• and the last four digits. `amount` and `currency` are what this payment will charge; the server refuses more than the token allows, and a site the token does not name. ' +
    'Submitting the payment afterwards may need the user’s approval; a token pays once.',
  args: z.object({
    token: z.string().min(1).max(100).describe('The payment token id, ptok_…'),
    amount: z.number().positive().max(1_000_000_000),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'a three-letter code, e.g. USD'),
    fields: z
      .object({
        number: fieldIndex,
        exp: fieldIndex.optional(),
        exp_month: fieldIndex.optional(),
        exp_year: fieldIndex.optional(),
        cvc: fieldIndex,
        name: fieldIndex.optional(),
        postal_code: fieldIndex.optional(),
      })
      .refine((f) => f.exp !== undefined || (f.exp_month !== undefined && f.exp_year !== undefined), 'give exp, or exp_month and exp_year'),
  }),
  async execute(context, args) {
    if (context.payments === undefined) return { ok: false, message: 'This task has no payment token.' };
    const reserved = await context.payments.reserve(args.amount, args.currency.toUpperCase());
    if (!reserved.ok) return { ok: false, message: reserved.reason };
    const fields = PAYMENT_FIELDS.flatMap((field: PaymentField) => {
      const index = args.fields[field];
      return index === undefined ? [] : [{ index, ref: { vault: 'payment_token' as const, id: args.token, field } }];
    });
    const result = await runBrowserAction(context, { kind: 'fill_secret', fields });
    // Nothing of the card stayed in the page (the fill is all or nothing): the token is free again.
    if (!result.ok) await context.payments.release();
    return result;
  },
});
