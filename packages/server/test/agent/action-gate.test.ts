import { describe, expect, it } from 'vitest';
import { ActionGate } from '../../src/agent/action-gate.ts';
import type { AgentHost, ApprovalOutcome } from '../../src/agent/agent-host.ts';
import type { TaskPayments } from '../../src/agent/task-payments.ts';
import type { BrowserAction, Observation, ObservedElement, SessionBrowser } from '../../src/browser/port.ts';
import type { ApprovalDetails, PaymentTokenFacts } from '../../src/safety/index.ts';

// The gate over doubles of its three ports (host, browser, payments): what it asks, runs and undoes.

const element = (index: number, name: string, extra: Partial<ObservedElement> = {}): ObservedElement => ({ index, role: 'button', name, tag: 'button', isNew: false, ...extra });
const page = (elements: ObservedElement[], url = 'https://shop.example/checkout'): Observation => ({
  url,
  title: 'Checkout',
  elements,
  text: '',
  truncated: false,
  scroll: { y: 0, height: 800, viewportHeight: 800 },
  tabs: [],
});
const FILLED = page([element(1, 'Card number', { role: 'textbox', tag: 'input', payment: 'filled', value: '•••• 4242' }), element(2, 'Place order', { payment: 'submit' }), element(3, 'Send'), element(4, 'Continue')]);

function doubles(options: { answer?: string; pages?: Observation[]; facts?: Partial<PaymentTokenFacts> } = {}) {
  const asked: ApprovalDetails[] = [];
  const executed: boolean[] = [];
  const acts: BrowserAction[] = [];
  const calls: string[] = [];
  let facts: PaymentTokenFacts = { id: 'ptok_1', last4: '4242', brand: 'visa', status: 'reserved', maxAmount: 20, currency: 'USD', merchantDomains: [], reservedHere: true, reservedFor: { amount: 12.5, currency: 'USD' }, ...options.facts };
  const pages = [...(options.pages ?? [])];
  const host = {
    approve: async (request: ApprovalDetails): Promise<ApprovalOutcome> => {
      asked.push(request);
      const answer = options.answer ?? 'approve';
      return { approved: answer === 'approve', answer, executed: async (ran) => void executed.push(ran) };
    },
  } as unknown as AgentHost;
  const browser = {
    observe: async () => pages.shift() ?? FILLED,
    act: async (action: BrowserAction) => {
      acts.push(action);
      return { ok: true, message: 'done', pageChanged: false };
    },
  } as unknown as SessionBrowser;
  const payments: TaskPayments = {
    tokenId: 'ptok_1',
    facts: async () => facts,
    reserve: async () => ({ ok: true }),
    release: async () => {
      calls.push('release');
      facts = { ...facts, status: 'active', reservedHere: false, reservedFor: undefined };
    },
    spend: async () => {
      calls.push('spend');
      facts = { ...facts, status: 'spent', reservedHere: false };
      return { ok: true };
    },
  };
  return { host, browser, payments, asked, executed, acts, calls };
}

const signal = new AbortController().signal;
const click = (index: number) => ({ tool: 'click', args: { index } });

describe('ActionGate', () => {
  it('asks before submitting a filled card, runs it once approved, and the submission spends the token', async () => {
    const d = doubles();
    const gate = new ActionGate({ host: d.host, browser: d.browser, approvalPolicy: 'payments_only', payments: d.payments });
    const checked = await gate.check(click(2), FILLED, signal);
    expect(checked.run).toBe(true);
    expect(d.asked).toHaveLength(1);
    expect(d.asked[0]).toMatchObject({ amount: 12.5, currency: 'USD', paymentToken: 'ptok_1', action: { kind: 'payment', element: { name: 'Place order' } } });
    const result = { ok: true, message: 'Clicked' };
    await gate.settle(checked, result);
    expect(d.calls).toEqual(['spend']);
    expect(d.executed).toEqual([true]);
    expect(result.message).toContain('which is now spent');
    // Nothing is left to abandon.
    await gate.close();
    expect(d.acts).toEqual([]);
  });

  it('on a denial runs nothing, clears the card and releases the token', async () => {
    const d = doubles({ answer: 'deny' });
    const gate = new ActionGate({ host: d.host, browser: d.browser, approvalPolicy: 'payments_only', payments: d.payments });
    const checked = await gate.check(click(2), FILLED, signal);
    expect(checked.run).toBe(false);
    expect(!checked.run && checked.result.message).toContain('did not approve');
    expect(d.acts).toEqual([{ kind: 'clear_secrets' }]);
    expect(d.calls).toEqual(['release']);
    expect(d.executed).toEqual([]);
  });

  it('runs nothing when the page changed while the approval waited', async () => {
    const swapped = page([element(1, 'Card number', { role: 'textbox', tag: 'input', payment: 'filled' }), element(2, 'Donate $500', { payment: 'submit' })]);
    const d = doubles({ pages: [swapped] });
    const gate = new ActionGate({ host: d.host, browser: d.browser, approvalPolicy: 'payments_only', payments: d.payments });
    const checked = await gate.check(click(2), FILLED, signal);
    expect(checked.run).toBe(false);
    expect(!checked.run && checked.result).toMatchObject({ ok: false, pageChanged: true });
    expect(d.executed).toEqual([false]);
    expect(d.calls).toEqual([]);
  });

  it('follows the policy: always asks before sending a message, never asks nothing but still spends', async () => {
    const always = doubles();
    const gate = new ActionGate({ host: always.host, browser: always.browser, approvalPolicy: 'always' });
    expect((await gate.check(click(3), FILLED, signal)).run).toBe(true);
    expect(always.asked.map((a) => a.action.kind)).toEqual(['send_message']);
    expect((await gate.check(click(4), page([element(4, 'Continue')]), signal)).run).toBe(true);
    expect(always.asked).toHaveLength(1);

    const never = doubles();
    const quiet = new ActionGate({ host: never.host, browser: never.browser, approvalPolicy: 'never', payments: never.payments });
    const checked = await quiet.check(click(2), FILLED, signal);
    expect(checked.run).toBe(true);
    expect(never.asked).toEqual([]);
    await quiet.settle(checked, { ok: true, message: 'Clicked' });
    expect(never.calls).toEqual(['spend']);
  });

  it('refuses to submit a card whose token was revoked since it was filled, without asking', async () => {
    const d = doubles({ facts: { status: 'revoked', reservedHere: false, reservedFor: undefined } });
    const gate = new ActionGate({ host: d.host, browser: d.browser, approvalPolicy: 'payments_only', payments: d.payments });
    const checked = await gate.check(click(2), FILLED, signal);
    expect(checked.run).toBe(false);
    expect(!checked.run && checked.result.message).toContain('was revoked');
    expect(d.asked).toEqual([]);
  });

  it('clears and releases a card filled but never submitted when the task ends', async () => {
    const d = doubles();
    const gate = new ActionGate({ host: d.host, browser: d.browser, approvalPolicy: 'payments_only', payments: d.payments });
    await gate.close();
    expect(d.acts).toEqual([{ kind: 'clear_secrets' }]);
    expect(d.calls).toEqual(['release']);
  });

  it('judges a click at a point as the click on the element drawn there, and a drag from it too', async () => {
    const box = (x: number, y: number, width: number, height: number) => ({ box: { x, y, width, height } });
    // A card holding a Send button: the point inside the button is the button, elsewhere the card.
    const mail = page([element(5, 'Message card', { role: 'link', tag: 'a', ...box(0, 0, 400, 200) }), element(6, 'Send', box(300, 150, 80, 30))], 'https://mail.example/');
    const d = doubles({ pages: [mail, mail] });
    const gate = new ActionGate({ host: d.host, browser: d.browser, approvalPolicy: 'always' });
    expect((await gate.check({ tool: 'click_at', args: { x: 340, y: 160 } }, mail, signal)).run).toBe(true);
    expect(d.asked.map((a) => [a.action.kind, a.action.tool, a.action.element?.name])).toEqual([['send_message', 'click_at', 'Send']]);
    expect((await gate.check({ tool: 'click_at', args: { x: 20, y: 20 } }, mail, signal)).run).toBe(true);
    expect((await gate.check({ tool: 'drag', args: { from: { x: 310, y: 170 }, to: { x: 10, y: 10 } } }, mail, signal)).run).toBe(true);
    expect(d.asked.map((a) => a.action.element?.name)).toEqual(['Send', 'Send']);
  });

  it('while a card is filled, refuses presses at a point: a payment is submitted only by index', async () => {
    const d = doubles();
    const gate = new ActionGate({ host: d.host, browser: d.browser, approvalPolicy: 'never', payments: d.payments });
    for (const call of [{ tool: 'click_at', args: { x: 5, y: 5 } }, { tool: 'drag', args: { from: { x: 5, y: 5 }, to: { x: 50, y: 5 } } }]) {
      const checked = await gate.check(call, FILLED, signal);
      expect(checked.run).toBe(false);
      expect(!checked.run && checked.result.message).toContain('act on elements by their index');
    }
    expect((await gate.check({ tool: 'hover_at', args: { x: 5, y: 5 } }, FILLED, signal)).run).toBe(true);
    expect(d.calls).toEqual([]);
  });

  it('runs added policies after its own, so a later rule plugs in without the loop changing', async () => {
    const d = doubles();
    const gate = new ActionGate({
      host: d.host,
      browser: d.browser,
      approvalPolicy: 'never',
      policies: [{ name: 'data_flow', review: (action) => (action.url.startsWith('https://shop.example') ? { kind: 'refuse', reason: 'not a site the task named' } : { kind: 'allow' }) }],
    });
    const checked = await gate.check(click(4), FILLED, signal);
    expect(!checked.run && checked.result.message).toBe('Refused (data_flow): not a site the task named');
  });
});
