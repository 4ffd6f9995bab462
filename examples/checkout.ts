// Checkout: pays with a one-time payment token (the agent never sees the card) and answers the
// approval question the server asks before the order is placed.
//   node --import tsx examples/checkout.ts <shop-url> ["Blue Mug"] [20]
import { Steward, type Approval, type Message, type PaymentToken, type TaskResult } from '@steward/client';

export interface Order {
  orderNumber: string;
  total: number;
}

/** What an approval question's metadata holds (docs/trust-and-safety.md#approvals). */
interface ApprovalQuestion {
  kind?: string;
  action?: { kind: string; tool: string; element?: { role: string; name: string }; site: string; path: string };
  amount?: number;
  currency?: string;
  digest?: string;
}

/** A test card: any Luhn-valid number works on the fixture shop; use a real one only on a real shop. */
const TEST_CARD = { number: '4242 4242 4242 4242', expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123', name: 'Ada Lovelace' };

export async function checkout(
  client: Steward,
  options: { shopUrl: string; product: string; maxAmount: number; log?: (line: string) => void },
): Promise<{ order: Order; asked: Message[]; approvals: Approval[]; token: PaymentToken }> {
  const log = options.log ?? console.log;
  const shop = new URL(options.shopUrl);
  // The token pays once, at most maxAmount, and only on the shop's own domain.
  const created = await client.paymentTokens.create({ card: TEST_CARD, maxAmount: options.maxAmount, currency: 'USD', merchantDomains: [shop.hostname] });
  log(`Payment token ${created.id}: ${created.brand} ending ${created.last4}, up to ${options.maxAmount} USD on ${shop.hostname}`);

  await using session = client.session('agi-0', { approvalPolicy: 'payments_only' });
  const asked: Message[] = [];
  const result: TaskResult<Order> = await session.runTask<Order>(
    `Buy one "${options.product}" in this shop for store pickup and pay by card with payment token ${created.id}; ` +
      `spend at most $${options.maxAmount}. The order is for Ada Lovelace, 12 St James Square, London.`,
    {
      startUrl: options.shopUrl,
      configUpdates: { payment_token: created.id },
      outputSchema: {
        type: 'object',
        required: ['orderNumber', 'total'],
        properties: { orderNumber: { type: 'string' }, total: { type: 'number', description: 'The total charged, in dollars' } },
      },
      onQuestion: (question) => {
        asked.push(question);
        const { kind, action, amount, currency, digest } = question.metadata as ApprovalQuestion;
        log(`The agent asks: ${String(question.content)}`);
        log(`  ${action?.kind}: ${action?.tool} '${action?.element?.name}' on ${action?.site}${action?.path ?? ''}, ${amount ?? '-'} ${currency ?? ''}`);
        log(`  digest ${digest}`);
        // A real integration asks a person here; this one approves a payment of the token within budget.
        const answer = kind === 'approval' && action?.kind === 'payment' && amount !== undefined && amount <= options.maxAmount ? 'approve' : 'deny';
        log(`  answered: ${answer}`);
        return answer;
      },
    },
  );
  const order = result.data;
  log(`Ordered: ${order.orderNumber}, total charged ${order.total.toFixed(2)} USD`);

  const approvals = await client.approvals.list(session.sessionId!);
  for (const a of approvals) log(`Approval ${a.id}: ${a.decision}, executed ${a.executed}, ${a.amount} ${a.currency}, digest ${a.digest}`);
  const token = await client.paymentTokens.get(created.id);
  log(`Token ${token.id} is ${token.status} (${token.spentAt})`);
  return { order, asked, approvals, token };
}

if (import.meta.filename === process.argv[1]) {
  const [shopUrl, product = 'Blue Mug', maxAmount = '20'] = process.argv.slice(2);
  if (shopUrl === undefined) throw new Error('usage: checkout.ts <shop-url> [product] [max-amount]');
  await checkout(new Steward(), { shopUrl, product, maxAmount: Number(maxAmount) });
}
