import { describe, expect, it } from 'vitest';
import type { BrowserAction, Observation, SessionBrowser } from '../../src/browser/port.ts';
import type { PaymentField, PaymentSecretRef, SecretVault, VaultAnswer } from '../../src/browser/secret-vault.ts';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

// Two test cards of the same length, so masked renderings can be compared pixel for pixel.
const CARD_A = { number: '4000056655665556', exp: ['12/31', '1231'], month: ['12'], year: ['2031', '31'], cvc: '737', name: 'Ada Lovelace' };
const CARD_B = { number: '5200828282828210', exp: ['03/29', '0329'], month: ['03', '3'], year: ['2029', '29'], cvc: '212', name: 'Ada Lovelace' };
type Card = typeof CARD_A;

const months = Array.from({ length: 12 }, (_, i) => `<option value="${String(i + 1).padStart(2, '0')}">${String(i + 1).padStart(2, '0')}</option>`).join('');
const years = Array.from({ length: 8 }, (_, i) => `<option>${2028 + i}</option>`).join('');

const pages = usePagesHarness('secret-fills', {
  // No autocomplete hints: only what the adapter knows about the fill keeps the values out.
  '/checkout.html': `<!doctype html><title>Pay</title>
    <form action="/paid.html" method="get">
      <label>Card number <input name="cc"></label>
      <label>Expiry <input name="exp" maxlength="5"></label>
      <label>Month <select name="mm"><option value="">MM</option>${months}</select></label>
      <label>Year <select name="yy"><option value="">YYYY</option>${years}</select></label>
      <label>CVC <input name="cvc"></label>
      <label>Name on card <input name="holder"></label>
      <button type="button">Apply coupon</button>
      <button>Place order</button>
    </form>
    <p id="echo"></p>
    <script>
      const cc = document.querySelector('[name=cc]');
      cc.addEventListener('input', () => { document.getElementById('echo').textContent = 'You entered ' + cc.value.replace(/(\\d{4})(?=\\d)/g, '$1 '); });
    </script>`,
  '/card-only.html': `<!doctype html><title>Card</title>
    <style>body { margin: 0; background: #fff; } input { font: 32px monospace; color: #000; border: 0; outline: 0; width: 600px; padding: 8px; }</style>
    <label style="position:absolute;left:-999px">Card number</label>
    <input aria-label="Card number" class="plain">
    <button onclick="const i = document.querySelector('input'); i.removeAttribute('style'); i.className = 'plain';" style="position:absolute;top:200px">Reset style</button>`,
});

/** A vault over a fixed card that records where it was asked from; `refuse` names fields it refuses. */
function vaultOf(card: Card, refuse: PaymentField[] = []): SecretVault & { asked: { ref: PaymentSecretRef; url: string }[] } {
  const asked: { ref: PaymentSecretRef; url: string }[] = [];
  return {
    asked,
    async resolve(ref, where): Promise<VaultAnswer> {
      if (ref.vault !== 'payment_token') return { ok: false, reason: 'no session secrets here' };
      asked.push({ ref, url: where.url });
      if (refuse.includes(ref.field)) return { ok: false, reason: `the ${ref.field} is refused here` };
      const grouped = card.number.replace(/(\d{4})(?=\d)/g, '$1 ');
      const secrets: Record<PaymentField, { candidates: string[]; display?: string; redact?: string[] }> = {
        number: { candidates: [card.number], display: `•••• ${card.number.slice(-4)}`, redact: [card.number, grouped] },
        exp: { candidates: card.exp, display: '•••' },
        exp_month: { candidates: card.month, display: '•••' },
        exp_year: { candidates: card.year, display: '•••' },
        cvc: { candidates: [card.cvc], display: '•••' },
        name: { candidates: [card.name] },
        postal_code: { candidates: ['N1 9GU'] },
      };
      return { ok: true, secret: secrets[ref.field] };
    },
  };
}

const ref = (field: PaymentField): PaymentSecretRef => ({ vault: 'payment_token', id: 'ptok_test', field });

async function fillCheckout(browser: SessionBrowser, o: Observation): Promise<Awaited<ReturnType<SessionBrowser['act']>>> {
  const fields: Extract<BrowserAction, { kind: 'fill_secret' }>['fields'] = [
    { index: elementNamed(o, 'Card number').index, ref: ref('number') },
    { index: elementNamed(o, 'Expiry').index, ref: ref('exp') },
    { index: elementNamed(o, 'Month').index, ref: ref('exp_month') },
    { index: elementNamed(o, 'Year').index, ref: ref('exp_year') },
    { index: elementNamed(o, 'CVC').index, ref: ref('cvc') },
    { index: elementNamed(o, 'Name on card').index, ref: ref('name') },
  ];
  return browser.act({ kind: 'fill_secret', fields });
}

/** Runs of 4+ digits of the number other than its last four. */
function digitRuns(text: string, number: string): string[] {
  const windows = Array.from({ length: number.length - 7 }, (_, i) => number.slice(i, i + 4));
  return (text.match(/\d{4,}/g) ?? []).filter((run) => windows.some((w) => run.includes(w)) && run !== number.slice(-4));
}

describe('fill_secret', () => {
  it('fills the card into the page and shows the model only •••• <last4>, •••, and which control submits it', async () => {
    const vault = vaultOf(CARD_A);
    const browser = await pages.open('/checkout.html', { vault });
    const result = await fillCheckout(browser, await browser.observe());
    expect(result, result.message).toMatchObject({ ok: true, pageChanged: true });
    expect(result.message).toContain('card •••• 5556');
    expect(vault.asked.map((a) => a.url)).toEqual(Array(6).fill(`${pages.url}/checkout.html`));

    const o = await browser.observe();
    expect(elementNamed(o, 'Card number')).toMatchObject({ value: '•••• 5556', sensitive: true, payment: 'filled' });
    for (const name of ['Expiry', 'Month', 'Year', 'CVC']) expect(elementNamed(o, name), name).toMatchObject({ value: '•••', sensitive: true, payment: 'filled' });
    expect(elementNamed(o, 'Name on card')).toMatchObject({ value: 'Ada Lovelace', payment: 'filled' });
    expect(elementNamed(o, 'Place order').payment).toBe('submit');
    expect(elementNamed(o, 'Apply coupon').payment).toBeUndefined();
    // The page echoed the number into its text: the observation carries it masked.
    expect(o.text).toContain('You entered •••• 5556');
    // The fixture server's own address is the test's, not the card's: its random port once held
    // the CVC's digits ("…:34737/"), so it is taken out before the digits are searched.
    const origin = new URL(o.url).origin;
    const everything = (JSON.stringify(o) + result.message).replaceAll(origin, '<fixture origin>');
    expect(digitRuns(everything, CARD_A.number)).toEqual([]);
    expect(everything).not.toContain(CARD_A.cvc);

    // The page really got the values: a GET form puts them in the URL, which comes back masked too.
    const submitted = await browser.act({ kind: 'click', index: elementNamed(o, 'Place order').index });
    expect(submitted.ok).toBe(true);
    const after = await browser.observe();
    expect(after.url).toContain('cc=•••• 5556&exp=12%2F31&mm=12&yy=2031');
    expect(digitRuns(JSON.stringify(after) + JSON.stringify(await browser.pageInfo()), CARD_A.number)).toEqual([]);
  });

  it('is all or nothing: a refused field leaves no card value in the page', async () => {
    const browser = await pages.open('/checkout.html', { vault: vaultOf(CARD_A, ['cvc']) });
    const result = await fillCheckout(browser, await browser.observe());
    expect(result.ok).toBe(false);
    expect(result.message).toContain('the cvc is refused here');
    const o = await browser.observe();
    expect(elementNamed(o, 'Card number').value).toBeUndefined();
    expect(elementNamed(o, 'Expiry').value).toBeUndefined();
  });

  it('clear_secrets empties the fields it filled', async () => {
    const browser = await pages.open('/checkout.html', { vault: vaultOf(CARD_A) });
    await fillCheckout(browser, await browser.observe());
    expect(await browser.act({ kind: 'clear_secrets' })).toMatchObject({ ok: true, message: 'Cleared 6 card fields' });
    const o = await browser.observe();
    for (const name of ['Card number', 'Expiry', 'CVC', 'Name on card']) expect(elementNamed(o, name).value, name).toBeUndefined();
    expect(elementNamed(o, 'Month').value).toBe('MM');
  });

  it('is refused without a vault', async () => {
    const browser = await pages.open('/checkout.html');
    const result = await fillCheckout(browser, await browser.observe());
    expect(result).toMatchObject({ ok: false, message: 'This session has no vault, so no secret can be filled.' });
  });
});

describe('a filled card field on screen', () => {
  async function shotOf(card: Card, how: 'vault' | 'typed', resetStyle = false): Promise<{ shot: Buffer; frame: Buffer }> {
    const browser = await pages.open('/card-only.html', { vault: vaultOf(card) });
    const o = await browser.observe();
    const index = elementNamed(o, 'Card number').index;
    const done = how === 'vault' ? await browser.act({ kind: 'fill_secret', fields: [{ index, ref: ref('number') }] }) : await browser.act({ kind: 'type', index, text: card.number });
    expect(done.ok, done.message).toBe(true);
    if (how === 'typed') await browser.act({ kind: 'press', key: 'Tab' });
    if (resetStyle) expect((await browser.act({ kind: 'click', index: elementNamed(o, 'Reset style').index })).ok).toBe(true);
    // The live view first: it has no chance to re-mask anything before a frame.
    const frame = await new Promise<Buffer>((resolve, reject) => {
      let stop: (() => Promise<void>) | undefined;
      const timer = setTimeout(() => reject(new Error('no screencast frame')), 5_000);
      void browser
        .startScreencast((f) => {
          clearTimeout(timer);
          void stop?.();
          resolve(f.jpeg);
        })
        .then((s) => {
          stop = s.stop;
        });
    });
    const { jpeg } = await browser.screenshot();
    return { shot: jpeg, frame };
  }

  it('renders the same pixels whatever the digits, in screenshots and in the live view, even after the page resets its style', async () => {
    const a = await shotOf(CARD_A, 'vault');
    const b = await shotOf(CARD_B, 'vault');
    expect(a.shot.equals(b.shot), 'screenshots of two different numbers differ').toBe(true);
    expect(a.frame.equals(b.frame), 'screencast frames of two different numbers differ').toBe(true);
    // The page drops the field's style (a click on the page, so both runs click).
    const resetA = await shotOf(CARD_A, 'vault', true);
    const resetB = await shotOf(CARD_B, 'vault', true);
    expect(resetA.shot.equals(resetB.shot), 'the mask did not survive the page resetting its style').toBe(true);
    expect(resetA.frame.equals(resetB.frame)).toBe(true);
    // The comparison can see digits: the same two numbers typed into the same field give different images.
    const typedA = await shotOf(CARD_A, 'typed');
    const typedB = await shotOf(CARD_B, 'typed');
    expect(typedA.shot.equals(typedB.shot)).toBe(false);
    expect(typedA.frame.equals(typedB.frame)).toBe(false);
    // And a masked field is not simply the typed one: discs, not digits.
    expect(a.shot.equals(typedA.shot)).toBe(false);
  });
});
