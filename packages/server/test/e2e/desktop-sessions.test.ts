import { join } from 'node:path';
import { AgentLoop, ConflictError, type DesktopAction, type StepResult } from '@steward/client';
import { StepDesktopResponse } from '@steward/protocol';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../../../../fixtures/server.ts';
import { REPO_ROOT, startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * Desktop sessions: the client runs the loop on its own screen. Here the "screen" is a Chromium
 * page of the test's own (launched by the test, not Steward's), screenshotted as PNG and driven
 * with the mouse and keyboard exactly as the step answers say, through the SDK's AgentLoop.
 */
const DESKTOP_POLICY = `script:${join(REPO_ROOT, 'packages/server/test/e2e/policies/desktop-policy.mjs')}`;

let t: TestServer;
let site: FixtureServer;
let screenBrowser: Browser;

beforeAll(async () => {
  site = await startFixtureServer();
  screenBrowser = await chromium.launch({ executablePath: process.env['STEWARD_CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  t = await startTestServer({ model: DESKTOP_POLICY });
});
afterAll(async () => {
  await t?.close();
  await screenBrowser?.close();
  await site?.close();
});

/** What a desktop client does with a step's actions: its own mouse and keyboard. */
async function perform(page: Page, actions: DesktopAction[]): Promise<void> {
  for (const action of actions) {
    switch (action.type) {
      case 'click':
        await page.mouse.click(action.x, action.y, { button: action.click_type ?? 'left' });
        break;
      case 'double_click':
        await page.mouse.click(action.x, action.y, { clickCount: 2 });
        break;
      case 'triple_click':
        await page.mouse.click(action.x, action.y, { clickCount: 3 });
        break;
      case 'right_click':
        await page.mouse.click(action.x, action.y, { button: 'right' });
        break;
      case 'hover':
        await page.mouse.move(action.x, action.y);
        break;
      case 'type':
        await page.keyboard.type(action.text);
        break;
      case 'key':
        await page.keyboard.press(action.key);
        break;
      case 'scroll': {
        const px = action.amount * 100;
        await page.mouse.wheel(action.direction === 'left' ? -px : action.direction === 'right' ? px : 0, action.direction === 'up' ? -px : action.direction === 'down' ? px : 0);
        break;
      }
      case 'drag':
        await page.mouse.move(action.start_x, action.start_y);
        await page.mouse.down();
        await page.mouse.move(action.end_x, action.end_y, { steps: 8 });
        await page.mouse.up();
        break;
      case 'wait':
        await page.waitForTimeout(action.duration * 1000);
        break;
      default:
        throw new Error(`the loop passed a control action: ${action.type}`);
    }
  }
}

async function centre(page: Page, selector: string): Promise<[number, number]> {
  const box = (await page.locator(selector).boundingBox())!;
  return [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)];
}

async function desktopSession(): Promise<{ sessionId: string; agentUrl: string }> {
  const session = await t.client.sessions.create('agi-0', { agentSessionType: 'desktop' });
  expect(session.agentUrl).toBe(`${t.url}/v1/sessions/${session.sessionId}/desktop`);
  return { sessionId: session.sessionId, agentUrl: session.agentUrl! };
}

function stepBody(sessionId: string, screenshot: Buffer, message?: string): Record<string, unknown> {
  return { screenshot: screenshot.toString('base64'), session_id: sessionId, ...(message === undefined ? {} : { message }) };
}

describe("desktop sessions: the client's screen, the server's agent", () => {
  it("fills a form on the client's screen by points, typing and keys through the SDK's AgentLoop", async () => {
    const page = await screenBrowser.newPage({ viewport: { width: 900, height: 640 } });
    await page.goto(`${site.url}/form/`);
    const at = { name: await centre(page, '#name'), email: await centre(page, '#email'), terms: await centre(page, 'input[name=terms]'), submit: await centre(page, 'button[type=submit]') };
    const { sessionId, agentUrl } = await desktopSession();
    const thoughts: string[] = [];
    const steps: StepResult[] = [];
    const loop = new AgentLoop({
      client: t.client,
      agentUrl,
      sessionId,
      captureScreenshot: () => page.screenshot({ type: 'png' }),
      executeActions: (actions) => perform(page, actions),
      onThinking: (text) => thoughts.push(text),
      onStep: (_step, result) => steps.push(result),
    });
    const last = await loop.start(`form ${JSON.stringify(at)}`);

    expect(loop.state).toBe('finished');
    expect(last?.finished).toBe(true);
    expect(last?.actions.at(-1)).toEqual({ type: 'finish', summary: 'registered after 3 steps on a 900x640 screen' });
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    expect(steps[0]!.actions).toEqual([
      { type: 'click', x: at.name[0], y: at.name[1] },
      { type: 'type', text: 'Grace Hopper' },
      { type: 'click', x: at.email[0], y: at.email[1] },
      { type: 'type', text: 'grace@example.com' },
    ]);
    expect(steps[1]!.actions).toEqual([{ type: 'key', key: 'Tab' }, { type: 'key', key: 'Tab' }, { type: 'type', text: 'F' }]);
    expect(thoughts).toEqual(['Filling in name and email.', 'Choosing the country by keyboard.', 'Accepting the terms and registering.', 'The form is sent.']);
    // The fixture saw the registration: the actions were real, on the client's side.
    await expect.poll(() => site.state.submissions.at(-1)).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', country: 'fr', accepted: true });

    // The session tells the same story as any other: thoughts, steps, DONE, execution finished.
    const { messages, status } = await t.client.sessions.getMessages(sessionId);
    expect(status).toBe('finished');
    expect(messages.map((m) => m.type)).toEqual(['USER', 'THOUGHT', 'LOG', 'LOG', 'LOG', 'LOG', 'THOUGHT', 'LOG', 'LOG', 'LOG', 'THOUGHT', 'LOG', 'LOG', 'LOG', 'THOUGHT', 'DONE']);
    expect(messages.filter((m) => m.metadata['kind'] === 'step').map((m) => (m.metadata['action'] as { tool: string }).tool)).toEqual(
      ['click_at', 'type_text', 'click_at', 'type_text', 'press', 'press', 'type_text', 'click_at', 'click_at', 'wait'],
    );
    await page.close();
  });

  it('clicks a canvas target and the policy sees the screenshot the client sent', async () => {
    const page = await screenBrowser.newPage({ viewport: { width: 640, height: 400 } });
    await page.goto(`${site.url}/widgets/canvas.html`);
    const board = (await page.locator('#board').boundingBox())!;
    const target = { x: Math.round(board.x + 310), y: Math.round(board.y + 55) };
    const { sessionId, agentUrl } = await desktopSession();
    // The wire itself once: snake_case as the spec has it, nothing the schema does not know.
    const raw = await t.request('POST', `${new URL(agentUrl).pathname}/step_desktop`, { body: stepBody(sessionId, await page.screenshot({ type: 'png' }), `canvas ${target.x},${target.y}`) });
    expect(raw.status).toBe(200);
    expect(StepDesktopResponse.parse(raw.body)).toEqual(raw.body);
    expect(raw.body).toEqual({ finished: false, step: 1, thinking: 'Clicking the target.', actions: [{ type: 'click', ...target }] });
    await perform(page, raw.body.actions);
    const done = await t.client.sessions.step(agentUrl, sessionId, await page.screenshot({ type: 'png' }));
    expect(done).toMatchObject({ finished: true, step: 2, actions: [{ type: 'finish', summary: 'clicked; png 640x400' }] });
    await expect.poll(() => site.state.widgets.events.at(-1)).toEqual({ page: 'canvas', action: 'click', value: '310,55' });
    await page.close();
  });

  it('asks the user through the step, asks again on a step without the answer, and takes it from the next', async () => {
    const page = await screenBrowser.newPage({ viewport: { width: 320, height: 200 } });
    const { sessionId, agentUrl } = await desktopSession();
    const capture = (): Promise<Buffer> => page.screenshot({ type: 'png' });
    const loop = new AgentLoop({
      client: t.client,
      agentUrl,
      sessionId,
      captureScreenshot: capture,
      executeActions: (actions) => perform(page, actions),
      onAskUser: async (question) => {
        expect(question).toBe('Which colour?');
        expect((await t.client.sessions.getStatus(sessionId)).status).toBe('waiting_for_input');
        // A step that brings no answer hears the question again and changes nothing.
        expect(await t.client.sessions.step(agentUrl, sessionId, await capture())).toMatchObject({ finished: false, askUser: 'Which colour?', actions: [] });
        return 'blue';
      },
    });
    const last = await loop.start('ask Which colour?');
    expect(last).toMatchObject({ finished: true, actions: [{ type: 'finish', summary: 'answer: blue' }] });
    const { messages } = await t.client.sessions.getMessages(sessionId);
    expect(messages.map((m) => [m.type, m.content])).toEqual([
      ['USER', 'ask Which colour?'],
      ['THOUGHT', 'I need to ask.'],
      ['QUESTION', 'Which colour?'],
      ['USER', 'blue'],
      ['DONE', 'answer: blue'],
    ]);
    await page.close();
  });

  it('refuses what needs a browser, bad screenshots, and steps out of turn, with clear errors', async () => {
    const { sessionId, agentUrl } = await desktopSession();
    const path = new URL(agentUrl).pathname;
    const wire = await t.request('GET', `/v1/sessions/${sessionId}`);
    expect(wire.body.agent_session_type).toBe('desktop');
    expect(wire.body.vnc_url).toBeUndefined();
    for (const [method, route, body] of [
      ['POST', `/v1/sessions/${sessionId}/navigate`, { url: `${site.url}/form/` }],
      ['GET', `/v1/sessions/${sessionId}/screenshot`, undefined],
      ['GET', `/v1/sessions/${sessionId}/live`, undefined],
    ] as const) {
      const refused = await t.request(method, route, body === undefined ? {} : { body });
      expect(refused.status, route).toBe(409);
      expect(refused.body.error, route).toBe('wrong_session_kind');
    }
    const blank = await screenBrowser.newPage({ viewport: { width: 320, height: 200 } });
    const png = await blank.screenshot({ type: 'png' });
    await blank.close();
    const notImage = await t.request('POST', `${path}/step_desktop`, { body: { screenshot: Buffer.from('not an image at all').toString('base64'), session_id: sessionId, message: 'tap 1,1' } });
    expect(notImage.status).toBe(422);
    expect(JSON.stringify(notImage.body)).toMatch(/screenshot: is not an image this server can read/);
    const notBase64 = await t.request('POST', `${path}/step_desktop`, { body: { screenshot: '%%%', session_id: sessionId, message: 'tap 1,1' } });
    expect(notBase64.status).toBe(422);
    const otherSession = await t.request('POST', `${path}/step_desktop`, { body: stepBody('another', png, 'tap 1,1') });
    expect(otherSession.status).toBe(422);
    const noTask = await t.request('POST', `${path}/step_desktop`, { body: stepBody(sessionId, png) });
    expect(noTask.status).toBe(409);
    expect(noTask.body.error).toBe('not_running');
    // Nothing of these reached the session.
    expect((await t.client.sessions.getMessages(sessionId)).messages).toEqual([]);
    const startUrl = await t.request('POST', `/v1/sessions/${sessionId}/message`, { body: { message: 'tap 1,1', start_url: `${site.url}/form/` } });
    expect(startUrl.status).toBe(422);

    // The other kinds of session have no step, and a desktop session takes no browser options.
    const managed = await t.client.sessions.create('agi-0');
    const wrong = await t.request('POST', `/v1/sessions/${managed.sessionId}/desktop/step_desktop`, { body: stepBody(managed.sessionId, png, 'tap 1,1') });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toBe('wrong_session_kind');
    const withCdp = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'desktop', cdp_url: 'ws://127.0.0.1:9/devtools/browser/x' } });
    expect(withCdp.status).toBe(422);
    const withProxy = await t.request('POST', '/v1/sessions', { body: { agent_session_type: 'desktop', proxy_url: 'http://127.0.0.1:9' } });
    expect(withProxy.status).toBe(422);
  });

  it('answers one step at a time; pause answers the waiting step, a cancel reaches the next one', async () => {
    const page = await screenBrowser.newPage({ viewport: { width: 320, height: 200 } });
    const png = await page.screenshot({ type: 'png' });
    const { sessionId, agentUrl } = await desktopSession();
    const pending = t.client.sessions.step(agentUrl, sessionId, png, 'hold');
    await t.waitForStatus(sessionId, ['running']);
    await expect(t.client.sessions.step(agentUrl, sessionId, png)).rejects.toBeInstanceOf(ConflictError);
    await expect(t.client.sessions.step(agentUrl, sessionId, png)).rejects.toMatchObject({ code: 'step_in_progress' });
    // Pause: the waiting step comes back with nothing to do.
    await t.client.sessions.pause(sessionId);
    expect(await pending).toMatchObject({ actions: [], finished: false });
    await t.client.sessions.resume(sessionId);
    await t.client.sessions.cancel(sessionId);
    // The client was between steps when the task ended: its next step hears it, once.
    expect(await t.client.sessions.step(agentUrl, sessionId, png)).toMatchObject({ finished: true, actions: [{ type: 'fail', reason: 'Task cancelled' }] });
    await expect(t.client.sessions.step(agentUrl, sessionId, png)).rejects.toMatchObject({ code: 'not_running' });

    // A new task on the same session; a step that is waiting when the task is cancelled hears it at once.
    expect(await t.client.sessions.step(agentUrl, sessionId, png, 'tap 12,34')).toMatchObject({ finished: false, step: 1, actions: [{ type: 'click', x: 12, y: 34 }], thinking: 'Tap 1.' });
    const waiting = t.client.sessions.step(agentUrl, sessionId, png);
    const cancelled = waiting.then((result) => result);
    await t.client.sessions.cancel(sessionId).catch(() => undefined);
    const outcome = await cancelled;
    // Either the decision of step 2 or the cancel came first; a cancel is always heard by the end.
    if (!outcome.finished) expect(await t.client.sessions.step(agentUrl, sessionId, png)).toMatchObject({ finished: true, actions: [{ type: 'fail' }] });
    else expect(outcome.actions.at(-1)).toMatchObject({ type: 'fail', reason: 'Task cancelled' });
    expect((await t.client.sessions.getStatus(sessionId)).status).toBe('error');
    await page.close();
  });
});
