import { describe, expect, it } from 'vitest';
import { BULK_RECIPIENTS, bulkMessageRule, classifyAction, credentialsRule, taskBudgetOf, taskBudgetRule, TaskScope, type ClassifiedAction, type GateContext, type PlannedAction } from '../../src/safety/index.ts';

// Each planned action screened against the task: credentials off the task's sites, bulk messages,
// payments beyond the task's budget.

const action = (tool: string, args: Record<string, unknown>, extra: Partial<PlannedAction> = {}): ClassifiedAction => {
  const planned: PlannedAction = { tool, args, url: 'https://shop.example/login', paymentFilled: false, ...extra };
  return { ...planned, actionClass: classifyAction(planned) };
};
const context = (extra: Partial<GateContext> = {}): GateContext => ({ approvalPolicy: 'payments_only', payment: undefined, scope: TaskScope.of({ texts: ['Log in to shop.example and order a kettle under $50'] }), ...extra });
const password = { role: 'textbox', name: 'Password', tag: 'input', sensitive: true };

describe('credentialsRule', () => {
  it('asks before a password goes into a site the task never named, and refuses under never', () => {
    const elsewhere = action('type', { index: 2, text: 'hunter2' }, { url: 'https://login-shop.example.net/', target: password });
    const verdict = credentialsRule.review(elsewhere, context());
    expect(verdict.kind).toBe('ask');
    if (verdict.kind === 'ask') expect(verdict.approval.question).toContain('a password or code typed into a site the task never named');
    expect(credentialsRule.review(elsewhere, context({ approvalPolicy: 'never' })).kind).toBe('refuse');
  });

  it('lets passwords go to the task’s sites, secrets to their vault, and plain fields alone', () => {
    expect(credentialsRule.review(action('type', { index: 2, text: 'hunter2' }, { url: 'https://auth.shop.example/', target: password }), context()).kind).toBe('allow');
    expect(credentialsRule.review(action('type', { index: 2, text: '{{secret:PW}}' }, { url: 'https://elsewhere.example/', target: password }), context()).kind).toBe('allow');
    expect(credentialsRule.review(action('type', { index: 2, text: 'kettle' }, { url: 'https://elsewhere.example/', target: { ...password, sensitive: false } }), context()).kind).toBe('allow');
  });
});

describe('bulkMessageRule', () => {
  const to = { role: 'textbox', name: 'To', tag: 'input' };
  const crowd = (n: number): string => Array.from({ length: n }, (_, i) => `person${i}@mail.example`).join(', ');

  it(`asks before one message goes to ${BULK_RECIPIENTS} or more recipients`, () => {
    const verdict = bulkMessageRule.review(action('type', { index: 1, text: crowd(BULK_RECIPIENTS) }, { target: to }), context());
    expect(verdict.kind).toBe('ask');
    if (verdict.kind === 'ask') expect(verdict.approval.action.kind).toBe('send_message');
    expect(bulkMessageRule.review(action('type', { index: 1, text: crowd(40) }, { target: { ...to, name: 'Bcc' } }), context({ approvalPolicy: 'never' })).kind).toBe('refuse');
  });

  it('lets a message to a few people, and long text in other fields, through', () => {
    expect(bulkMessageRule.review(action('type', { index: 1, text: crowd(BULK_RECIPIENTS - 1) }, { target: to }), context()).kind).toBe('allow');
    expect(bulkMessageRule.review(action('type', { index: 1, text: crowd(30) }, { target: { ...to, name: 'Message' } }), context()).kind).toBe('allow');
  });
});

describe('taskBudgetRule', () => {
  it('reads the smallest money limit the task names, and no limit from other numbers', () => {
    expect(taskBudgetOf('order a kettle under $50')).toEqual({ amount: 50, currency: 'USD' });
    expect(taskBudgetOf('at most 30 EUR, and no more than 12.50 dollars per item')).toEqual({ amount: 12.5, currency: 'USD' });
    expect(taskBudgetOf('spend no more than 40 usd')).toEqual({ amount: 40, currency: 'USD' });
    expect(taskBudgetOf('in under 5 minutes, up to 3 items')).toBeUndefined();
  });

  it('refuses a payment beyond the budget or in another currency, whatever the token allows', () => {
    const budget = taskBudgetOf('a kettle under $50');
    const pay = (amount: number, currency = 'USD') => action('fill_payment', { token: 'ptok_1', amount, currency, fields: {} });
    expect(taskBudgetRule.review(pay(49.99), context({ budget })).kind).toBe('allow');
    const over = taskBudgetRule.review(pay(80), context({ budget }));
    expect(over).toEqual({ kind: 'refuse', reason: 'the task allows at most 50.00 USD, and this payment is 80.00 USD.' });
    expect(taskBudgetRule.review(pay(10, 'eur'), context({ budget })).kind).toBe('refuse');
    expect(taskBudgetRule.review(pay(80), context()).kind).toBe('allow');
  });
});
