import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestServer, type TestServer } from '../../server/test/support/test-server.ts';

// Steering a running agent from the dashboard, in real Chromium against the real server: an
// approval, a lost connection, a cancel, a file, and the keyboard alone.

const POLICY = `script:${join(REPO_ROOT, 'packages/dashboard/test/policies/steering-policy.mjs')}`;
const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

let t: TestServer;
let site: Server;
let siteUrl: string;
let viewer: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  site = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><title>Compose</title><body style="font:16px sans-serif;height:4000px">` +
        `<p>To: ada@example.com</p><button onclick="document.title='Sent'">Send message</button></body>`,
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', () => resolve()));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  t = await startTestServer({ model: POLICY });
  viewer = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
  });
}, 60_000);

afterEach(async () => {
  for (const page of pages.splice(0)) await page.context().close();
  await t.client.sessions.deleteAll();
});

afterAll(async () => {
  await viewer?.close();
  await t?.close();
  await new Promise<void>((resolve) => site.close(() => resolve()));
});

/** A signed-in tab (its own context, so going offline touches nothing else) on `path`. */
async function open(path: string, viewport = DESKTOP): Promise<Page> {
  const context = await viewer.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  pages.push(page);
  await page.goto(`${t.url}/`);
  await page.getByRole('textbox', { name: 'API key' }).fill(t.key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'New session' }).isVisible()).toBe(true);
  if (path !== '/') await page.goto(`${t.url}${path}`);
  return page;
}

async function startTask(task: string, options: { approvalPolicy?: 'always' } = {}): Promise<string> {
  const { sessionId } = await t.client.sessions.create('agi-0', options);
  await t.client.sessions.sendMessage(sessionId, task, { startUrl: siteUrl });
  return sessionId;
}

const timeline = (page: Page) => page.getByRole('region', { name: 'Timeline' });

describe('steering from the dashboard', () => {
  it('asks for an approval with Approve and Deny, and runs the action once approved (phone width)', async () => {
    const sessionId = await startTask('send the message', { approvalPolicy: 'always' });
    const page = await open(`/sessions/${sessionId}`, PHONE);
    await expect.poll(() => page.getByRole('button', { name: 'Approve' }).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByRole('button', { name: 'Deny' }).isVisible()).toBe(true);
    expect(await page.getByRole('group', { name: 'The agent asks' }).textContent()).toContain("click button 'Send message'");
    // Nothing was sent before the answer.
    expect((await t.client.sessions.screenshot(sessionId)).title).toBe('Compose');
    await page.screenshot({ path: join(SCREENSHOTS, 'session-approval-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => timeline(page).getByText('title: Sent').isVisible(), { timeout: 15_000 }).toBe(true);
    expect((await t.client.approvals.list(sessionId)).map((a) => a.decision)).toEqual(['approved']);
  });

  it('shows a lost connection, then resumes the stream with no message repeated or missing', async () => {
    const sessionId = await startTask('work until told');
    const page = await open(`/sessions/${sessionId}`);
    await expect.poll(() => page.getByText('Live', { exact: true }).first().isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => timeline(page).getByText('Step 3: still working.').isVisible(), { timeout: 15_000 }).toBe(true);

    // The network goes, and the server drops every connection: the stream cannot be reopened.
    await page.context().setOffline(true);
    t.server.app.server.closeAllConnections();
    await expect.poll(() => page.getByText('Connection lost — reconnecting…').isVisible(), { timeout: 10_000 }).toBe(true);
    const stepsWhileOffline = (await t.client.sessions.getMessages(sessionId)).messages.length;
    await expect.poll(async () => (await t.client.sessions.getMessages(sessionId)).messages.length).toBeGreaterThan(stepsWhileOffline + 2);
    await page.context().setOffline(false);
    await expect.poll(() => page.getByText('Live', { exact: true }).first().isVisible(), { timeout: 15_000 }).toBe(true);

    await page.getByRole('textbox', { name: 'Reply' }).fill('stop now');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => timeline(page).getByText(/stopped after \d+ steps/).isVisible(), { timeout: 15_000 }).toBe(true);
    // Every visible message once, in order: the thoughts the page shows are the server's, no more, no fewer.
    const served = (await t.client.sessions.getMessages(sessionId)).messages.filter((m) => m.type === 'THOUGHT').map((m) => m.content);
    const shown = await timeline(page).locator('.row.thought .text').allTextContents();
    expect(shown).toEqual(served);
    expect(new Set(shown).size).toBe(shown.length);
  });

  it('cancels a running task and explains the error with its code', async () => {
    const sessionId = await startTask('work until cancelled');
    const page = await open(`/sessions/${sessionId}`);
    await expect.poll(() => page.getByRole('button', { name: 'Cancel' }).isEnabled(), { timeout: 10_000 }).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => timeline(page).getByText('error · cancelled').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await timeline(page).textContent()).toContain('The task was cancelled');
    expect((await t.client.sessions.getStatus(sessionId)).status).toBe('error');
  });

  it("lists the session's files and downloads one", async () => {
    const sessionId = await startTask('send it', {});
    await t.client.files.upload(sessionId, 'notes.txt', 'remember the milk\n');
    const page = await open(`/sessions/${sessionId}`);
    const files = page.getByRole('region', { name: 'Files' });
    await expect.poll(() => files.getByRole('button', { name: 'notes.txt' }).isVisible(), { timeout: 10_000 }).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'notes.txt' }).click()]);
    expect(download.suggestedFilename()).toBe('notes.txt');
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('remember the milk\n');
  });

  it('works with the keyboard alone, with a visible focus ring', async () => {
    const context = await viewer.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(`${t.url}/`);
    const focusRing = () => page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).id)).toBe('api-key');
    expect(await focusRing()).not.toBe('none');
    await page.keyboard.type(t.key);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: 'New session' }).isVisible()).toBe(true);

    // Tab to "New session", open the form, fill it and start, without the mouse.
    for (let i = 0; i < 10 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'New session'; i++) await page.keyboard.press('Tab');
    expect(await focusRing()).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.getByRole('textbox', { name: 'Task' }).focus();
    await page.keyboard.type('work quietly');
    await page.keyboard.press('Tab');
    await page.keyboard.type(siteUrl);
    for (let i = 0; i < 6 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Start'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sessions\/[^/]+$/);

    // On the session page: the reply box takes the update, Enter sends it.
    await expect.poll(() => timeline(page).getByText('Step 2: still working.').isVisible(), { timeout: 15_000 }).toBe(true);
    await page.getByRole('textbox', { name: 'Reply' }).focus();
    expect(await focusRing()).not.toBe('none');
    await page.keyboard.type('stop please');
    await page.keyboard.press('Enter');
    await expect.poll(() => timeline(page).getByText(/stopped after \d+ steps/).isVisible(), { timeout: 15_000 }).toBe(true);
  });

  it('goes back to sign-in, saying why, when the key is revoked while the tab is open', async () => {
    const revocable = await t.server.keys.create('revocable');
    const context = await viewer.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    pages.push(page);
    await page.goto(`${t.url}/`);
    await page.getByRole('textbox', { name: 'API key' }).fill(revocable.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'New session' }).isVisible()).toBe(true);
    await t.server.keys.revoke(revocable.record.id);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'no longer accepts this key' }).isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByRole('textbox', { name: 'API key' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
