import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../../server/test/support/test-server.ts';

// The dashboard as a person uses it, in real headless Chromium against the real server: every
// control is found by its role and accessible name, and every check reads what the page shows.

const POLICY = `script:${join(REPO_ROOT, 'packages/dashboard/test/policies/form-with-help.mjs')}`;
const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let t: TestServer;
let site: Server;
let formUrl: string;
let viewer: Browser;

beforeAll(async () => {
  // The email field fills the top of the page, so a click on the top of the live view lands in it.
  site = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><title>Register</title><body style="margin:0;font:16px sans-serif">` +
        `<label style="display:block;padding:8px">Email <input name="email" style="display:block;width:95%;height:260px;font-size:40px"></label>` +
        `<label style="display:block;padding:8px">Full name <input name="name"></label>` +
        `<label style="display:block;padding:8px">Country <select name="country"><option>Choose…</option><option>Canada</option><option>France</option></select></label>` +
        `</body>`,
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  formUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  t = await startTestServer({ model: POLICY });
  viewer = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await viewer?.close();
  await t?.close();
  await new Promise<void>((resolve) => site.close(() => resolve()));
});

async function signedIn(viewport = DESKTOP): Promise<Page> {
  const page = await viewer.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${t.url}/`);
  await page.getByRole('textbox', { name: 'API key' }).fill(t.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'New session' }).isVisible()).toBe(true);
  return page;
}

const timeline = (page: Page) => page.getByRole('region', { name: 'Timeline' });

describe('dashboard', () => {
  it('serves its page with a strict policy and its assets for a year', async () => {
    const response = await fetch(`${t.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${t.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${t.url}/assets/..%2f..%2fpackage.json`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${t.url}/assets/nothing-here.js`)).status).toBe(404);
    // The API keeps its own answers: a key is still required there.
    expect((await fetch(`${t.url}/v1/sessions`)).status).toBe(401);
  });

  it('refuses a wrong key at sign-in and says so', async () => {
    const page = await viewer.newPage({ viewport: DESKTOP });
    try {
      await page.goto(`${t.url}/`);
      await page.getByRole('textbox', { name: 'API key' }).fill('stw_wrong');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('does not know this key');
      // The key is kept in session storage only once accepted, never in the URL or a cookie.
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      expect(page.url()).not.toContain('stw_');
      expect(await page.context().cookies()).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('runs a task from the list to the end: watch, pause and resume, answer, take over and hand back, replay, delete', async () => {
    const page = await signedIn();
    try {
      await page.screenshot({ path: join(SCREENSHOTS, 'sessions-empty-desktop.png') });
      await page.getByRole('button', { name: 'New session' }).click();
      await page.getByRole('textbox', { name: 'Task' }).fill('Register me on the form');
      await page.getByRole('textbox', { name: 'Start URL' }).fill(formUrl);
      await page.getByRole('combobox', { name: 'Model' }).selectOption('agi-0');
      await page.getByRole('button', { name: 'Start' }).click();
      await page.waitForURL(/\/sessions\/[^/]+$/);
      const sessionId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);

      // The policy's first step takes 1.5 s: time to pause it while it runs, and resume.
      await expect.poll(() => page.getByRole('button', { name: 'Pause' }).isEnabled(), { timeout: 10_000 }).toBe(true);
      await page.getByRole('button', { name: 'Pause' }).click();
      await expect.poll(() => page.getByText('task: paused').isVisible()).toBe(true);
      expect((await t.client.sessions.getStatus(sessionId)).status).toBe('paused');
      await page.getByRole('button', { name: 'Resume' }).click();

      // The first question, with its choices as buttons.
      await expect.poll(() => timeline(page).getByText('Which country?').isVisible(), { timeout: 15_000 }).toBe(true);
      await expect.poll(() => timeline(page).getByText('Filling in the name first.').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'France' }).click();

      // The second asks the person to type into the page: take over the live view to do it.
      await expect.poll(() => timeline(page).getByText('Please type your email').isVisible(), { timeout: 15_000 }).toBe(true);
      const live = page.getByRole('region', { name: 'Live view' });
      await expect.poll(() => live.getByRole('img').evaluate((image: HTMLImageElement) => image.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
      await page.screenshot({ path: join(SCREENSHOTS, 'session-question-desktop.png') });
      await page.getByRole('button', { name: 'Take over' }).click();
      const box = (await live.getByRole('img').boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height * 0.15);
      await page.keyboard.type('ada@example.com');
      await expect.poll(async () => (await t.client.sessions.screenshot(sessionId)).title).toBe('Register');
      await page.getByRole('button', { name: 'Hand back' }).click();
      await page.getByRole('textbox', { name: 'Reply' }).fill('done');
      await page.getByRole('button', { name: 'Send' }).click();

      // The result, as a table in the timeline, holds what the agent typed, chose and what the person typed.
      const result = timeline(page).getByRole('table');
      await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('ada@example.com');
      expect(await result.textContent()).toContain('France');
      expect(await result.textContent()).toContain('Ada Lovelace');
      await page.screenshot({ path: join(SCREENSHOTS, 'session-done-desktop.png') });

      // The replay steps through the finished session, a picture per step.
      await page.getByRole('link', { name: 'Replay' }).click();
      await expect.poll(() => page.getByRole('heading', { name: /Replay of/ }).isVisible()).toBe(true);
      const shot = page.getByRole('figure', { name: 'Step screenshot' }).getByRole('img');
      await expect.poll(() => shot.evaluate((image: HTMLImageElement) => image.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
      await expect.poll(() => page.getByText('Filling in the name first.').isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Next step' }).click();
      await expect.poll(() => page.getByText('The country is yours to choose.').isVisible()).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'replay-desktop.png') });
      await page.setViewportSize(PHONE);
      await page.screenshot({ path: join(SCREENSHOTS, 'replay-phone.png'), fullPage: true });
      await page.setViewportSize(DESKTOP);

      // Back in the list, the session shows its task and last message; then everything goes.
      await page.getByRole('link', { name: '← Session' }).click();
      await page.getByRole('link', { name: '← Sessions' }).click();
      const row = page.getByRole('table').getByRole('row').filter({ hasText: sessionId });
      await expect.poll(() => row.textContent()).toContain('Register me on the form');
      expect(await row.textContent()).toContain('DONE');
      await page.screenshot({ path: join(SCREENSHOTS, 'sessions-desktop.png') });
      await page.getByRole('button', { name: 'Delete all' }).click();
      await page.getByRole('button', { name: 'Yes, delete all' }).click();
      await expect.poll(() => page.getByText('No sessions yet').isVisible()).toBe(true);
      expect(await t.client.sessions.list()).toEqual([]);
      expect((page as Page & { errors: string[] }).errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('offers a scripted demo on the empty list and runs it to its result, on a phone screen too', async () => {
    const page = await signedIn(PHONE);
    try {
      await expect.poll(() => page.getByText('No sessions yet').isVisible()).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'sessions-empty-phone.png') });
      await page.getByRole('button', { name: 'Try a demo' }).click();
      await page.waitForURL(/\/sessions\/[^/]+$/);
      await expect.poll(() => page.getByText('scripted demo — not a model').isVisible()).toBe(true);
      // The demo's result holds a shortlist of books: a table under its key.
      await expect.poll(() => timeline(page).getByRole('table').first().textContent(), { timeout: 30_000 }).toContain('shortlist');
      expect(await timeline(page).textContent()).toContain('Scripted demo (not a language model)');
      await page.screenshot({ path: join(SCREENSHOTS, 'session-demo-phone.png'), fullPage: true });
      expect((page as Page & { errors: string[] }).errors).toEqual([]);
    } finally {
      await page.close();
      await t.client.sessions.deleteAll();
    }
  }, 60_000);

  it('keeps its JavaScript within the budget docs/dashboard.md gives (120 KB, 40 KB gzipped)', () => {
    const assets = join(REPO_ROOT, 'packages', 'dashboard', 'dist', 'assets');
    const scripts = readdirSync(assets).filter((name) => name.endsWith('.js')).map((name) => readFileSync(join(assets, name)));
    expect(scripts.length).toBeGreaterThan(0);
    const raw = scripts.reduce((sum, bytes) => sum + bytes.length, 0);
    const gzipped = scripts.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0);
    expect(raw).toBeLessThanOrEqual(120 * 1024);
    expect(gzipped).toBeLessThanOrEqual(40 * 1024);
  });
});
