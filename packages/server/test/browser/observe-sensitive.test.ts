import { describe, expect, it } from 'vitest';
import { elementNamed, usePagesHarness } from './pages-harness.ts';

const SECRET = 'hunter2-in-the-page';

const pages = usePagesHarness('sensitive', {
  '/sensitive.html': `<!doctype html><title>Sensitive</title>
    <label>Password <input type="password" value="${SECRET}"></label>
    <label>Code <input autocomplete="one-time-code" value="${SECRET}"></label>
    <label>Card <input autocomplete="cc-number"></label>
    <label>Security code <input autocomplete="billing cc-csc" value="${SECRET}"></label>
    <label>Notes <textarea autocomplete="one-time-code">${SECRET}</textarea></label>
    <label>Nickname <input autocomplete="nickname" value="ada"></label>`,
});

describe('sensitive fields in the observation', () => {
  it('marks passwords and what autocomplete names a secret, and never shows their value', async () => {
    const o = await (await pages.open('/sensitive.html')).observe();
    for (const name of ['Password', 'Code', 'Security code', 'Notes']) {
      expect(elementNamed(o, name), name).toMatchObject({ sensitive: true, value: '••••' });
    }
    expect(elementNamed(o, 'Card')).toMatchObject({ sensitive: true });
    expect(elementNamed(o, 'Card').value).toBeUndefined();
    expect(elementNamed(o, 'Nickname')).toMatchObject({ value: 'ada' });
    expect(elementNamed(o, 'Nickname').sensitive).toBeUndefined();
    expect(JSON.stringify(o)).not.toContain(SECRET);
  });
});
