import { describe, expect, it } from 'vitest';
import { runAgentTask } from '../../src/agent/agent-loop.ts';
import { StepInProgressError, type ScreenImage } from '../../src/browser/client-screen.ts';
import { StepDrivenScreen } from '../../src/browser/client-screen/step-driven-screen.ts';
import { BrowserClosedError } from '../../src/browser/port.ts';
import type { Decision, LanguageModel, ToolSpec } from '../../src/llm/port.ts';
import { recordingAgentHost } from '../support/recording-agent-host.ts';

// The meeting point of a desktop session: the agent's loop on one side, the client's steps on
// the other. No browser and no server: the screen alone, and the real loop over it.

const image = (fill: number, width = 800, height = 600): ScreenImage => ({ data: Buffer.alloc(32, fill), mediaType: 'image/png', width, height });
const live = (): AbortSignal => new AbortController().signal;

describe('StepDrivenScreen', () => {
  it('answers a step with what was decided on its screenshot, at the next observation', async () => {
    const screen = new StepDrivenScreen('s1');
    const observed = screen.observe();
    const reply = screen.step(image(1), live());
    const observation = await observed;
    expect(observation.screen).toMatchObject({ width: 800, height: 600 });
    expect(observation.elements).toEqual([]);
    screen.think('Clicking OK.');
    expect(await screen.act({ kind: 'click_at', x: 10.4, y: 20.6 })).toMatchObject({ ok: true, pageChanged: false });
    expect(await screen.act({ kind: 'click_at', x: 10, y: 20, clicks: 2 })).toMatchObject({ ok: true });
    expect(await screen.act({ kind: 'click_at', x: 10, y: 20, button: 'right' })).toMatchObject({ ok: true });
    await screen.act({ kind: 'drag', from: { x: 1, y: 2 }, to: { x: 300, y: 400 } });
    await screen.act({ kind: 'mouse_wheel', x: 5, y: 6, deltaY: -250 });
    await screen.act({ kind: 'type_text', text: 'hello' });
    await screen.act({ kind: 'press', key: 'Control+A' });
    await screen.act({ kind: 'wait', seconds: 2 });
    const next = screen.observe();
    expect(await reply).toEqual({
      step: 1,
      finished: false,
      thinking: 'Clicking OK.',
      actions: [
        { type: 'click', x: 10, y: 21 },
        { type: 'double_click', x: 10, y: 20 },
        { type: 'right_click', x: 10, y: 20 },
        { type: 'drag', start_x: 1, start_y: 2, end_x: 300, end_y: 400 },
        { type: 'scroll', x: 5, y: 6, direction: 'up', amount: 3 },
        { type: 'type', text: 'hello' },
        { type: 'key', key: 'Control+A' },
        { type: 'wait', duration: 2 },
      ],
    });
    const second = screen.step(image(2), live());
    expect((await next).screen?.digest).not.toBe(observation.screen?.digest);
    screen.ended({ success: true, text: 'Done.' });
    expect(await second).toEqual({ step: 2, finished: true, actions: [{ type: 'finish', summary: 'Done.' }] });
  });

  it('refuses what has no meaning on a screen, saying what to use instead', async () => {
    const screen = new StepDrivenScreen('s1');
    const observed = screen.observe();
    void screen.step(image(1, 100, 50), live());
    await observed;
    expect(await screen.act({ kind: 'click', index: 3 })).toMatchObject({ ok: false, message: expect.stringMatching(/click needs a browser.*click_at/) });
    expect(await screen.act({ kind: 'navigate', url: 'https://example.com/' })).toMatchObject({ ok: false });
    expect(await screen.act({ kind: 'click_at', x: 100, y: 10 })).toMatchObject({ ok: false, message: '(100, 10) is outside the screen, which is 100×50 pixels.' });
    expect(await screen.act({ kind: 'drag', from: { index: 1 }, to: { x: 1, y: 1 } })).toMatchObject({ ok: false, message: expect.stringMatching(/points/) });
    expect(await screen.act({ kind: 'type_text', text: 'pw {{secret:PASSWORD}}' })).toMatchObject({ ok: false, message: expect.stringMatching(/cannot be typed on a client screen/) });
    await expect(screen.navigate()).rejects.toThrow(/no browser to navigate/);
  });

  it('answers a question at once, asks again on a step without the answer, and reports an end no step waited for', async () => {
    const screen = new StepDrivenScreen('s1');
    const observed = screen.observe();
    const first = screen.step(image(1), live());
    await observed;
    screen.asked('Which colour?');
    expect(await first).toEqual({ step: 1, finished: false, askUser: 'Which colour?', actions: [{ type: 'ask_question', question: 'Which colour?' }] });
    expect(await screen.step(image(1), live())).toMatchObject({ askUser: 'Which colour?', actions: [] });
    const answered = screen.step(image(1), live(), { answering: true });
    const after = screen.observe();
    await after;
    screen.ended({ success: false, text: 'Task cancelled' });
    expect(await answered).toMatchObject({ finished: true, actions: [{ type: 'fail', reason: 'Task cancelled' }] });
    expect(screen.takeUnreportedEnd()).toBeUndefined();
    screen.ended({ success: false, text: 'Session ended' });
    expect(screen.takeUnreportedEnd()).toMatchObject({ finished: true, actions: [{ type: 'fail', reason: 'Session ended' }] });
    expect(screen.takeUnreportedEnd()).toBeUndefined();
  });

  it('takes one step at a time, forgets a step whose client hung up, and ends waiting steps on close', async () => {
    const screen = new StepDrivenScreen('s1');
    const hangUp = new AbortController();
    const gone = screen.step(image(1), hangUp.signal);
    await expect(screen.step(image(1), live())).rejects.toBeInstanceOf(StepInProgressError);
    hangUp.abort(new Error('client left'));
    await expect(gone).rejects.toThrow('client left');
    expect(screen.stepWaiting).toBe(false);
    const waiting = screen.step(image(2), live());
    const observing = screen.observe();
    await observing;
    const blocked = screen.observe();
    // The observation above answered the waiting step; this one waits for a screenshot that never comes.
    expect(await waiting).toMatchObject({ step: 1, actions: [] });
    await screen.close();
    await expect(blocked).rejects.toBeInstanceOf(BrowserClosedError);
    await expect(screen.step(image(3), live())).rejects.toBeInstanceOf(BrowserClosedError);
  });
});

describe('the agent loop on a client screen', () => {
  /** A model that clicks the same point every step and records the tools it was offered. */
  const clicker = (offered: ToolSpec[][]): LanguageModel => ({
    spec: 'test:clicker',
    supportsVision: false,
    decide: async (request): Promise<Decision> => {
      offered.push(request.tools);
      return { actions: [{ tool: 'click_at', args: { x: 5, y: 5 } }] };
    },
  });

  /** A client that sends `images(n)` as its n-th screenshot and stops after `steps`. */
  async function drive(screen: StepDrivenScreen, images: (n: number) => ScreenImage, steps: number): Promise<void> {
    for (let n = 1; n <= steps; n++) {
      try {
        const reply = await screen.step(images(n), live());
        if (reply.finished) return;
      } catch {
        return;
      }
    }
  }

  it('offers only the screen tools, and a click that leaves the screen unchanged six times is a loop', async () => {
    const screen = new StepDrivenScreen('s1');
    const offered: ToolSpec[][] = [];
    const host = recordingAgentHost();
    const controller = new AbortController();
    const client = drive(screen, () => image(7), 20);
    const outcome = await runAgentTask({ task: 'press the button', browser: screen, model: clicker(offered), host, maxSteps: 20, signal: controller.signal });
    screen.ended({ success: false, text: outcome.kind === 'failed' ? outcome.error : '' });
    await client;
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringMatching(/Stuck: click_at/) });
    expect(offered[0]!.map((tool) => tool.name).sort()).toEqual(['ask_user', 'click_at', 'done', 'drag', 'hover_at', 'mouse_wheel', 'press', 'type_text', 'wait']);
  });

  it('the same click on a screen that changes each time is progress, not a loop', async () => {
    const screen = new StepDrivenScreen('s1');
    const host = recordingAgentHost();
    const controller = new AbortController();
    const client = drive(screen, (n) => image(n), 9);
    const outcome = await runAgentTask({ task: 'press the button', browser: screen, model: clicker([]), host, maxSteps: 8, signal: controller.signal });
    screen.ended({ success: false, text: 'over' });
    await client;
    expect(outcome).toMatchObject({ kind: 'failed', error: expect.stringMatching(/Step budget exhausted/) });
  });
});
