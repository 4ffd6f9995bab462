import { describe, expect, it } from 'vitest';
import { runAgentTask } from '../../src/agent/agent-loop.ts';
import { captureStepFrame, type StepFrame, type StepFrames } from '../../src/agent/step-frames.ts';
import { emptyObservation, FakeBrowserPool, type FakeSessionBrowser } from '../../src/browser/fake/fake-browser-pool.ts';
import { ScreenshotError, type Observation } from '../../src/browser/port.ts';
import type { Decision, LanguageModel } from '../../src/llm/port.ts';
import { recordingAgentHost } from '../support/recording-agent-host.ts';

// The agent loop's half of the session replay: a picture of each step's page, taken while the
// model decides, before the step's actions change the page, and never a reason for a step to fail.

const SIZE = { maxWidth: 640, quality: 60 };

function recordingFrames(): StepFrames & { kept: StepFrame[]; missing: number[] } {
  const kept: StepFrame[] = [];
  const missing: number[] = [];
  return { kept, missing, size: SIZE, keep: async (frame) => void kept.push(frame), missed: (step) => void missing.push(step) };
}

/** Scrolls on steps 1 and 2, finishes on step 3. */
function threeStepModel(onDecide: (step: number) => void | Promise<void> = () => undefined): LanguageModel {
  return {
    spec: 'test:three-steps',
    supportsVision: false,
    async decide({ context }): Promise<Decision> {
      await onDecide(context.step);
      return context.step < 3 ? { thought: `step ${context.step}`, actions: [{ tool: 'scroll', args: { direction: 'down' } }] } : { actions: [{ tool: 'done', args: { result: 'seen' } }] };
    },
  };
}

async function browserAt(pool: FakeBrowserPool, url: string): Promise<FakeSessionBrowser> {
  const browser = (await pool.acquire({ sessionId: 's' })) as FakeSessionBrowser;
  await browser.navigate(url);
  return browser;
}

const run = (browser: FakeSessionBrowser, model: LanguageModel, frames: StepFrames, extra: { secrets?: { names: string[]; values: string[] } } = {}) =>
  runAgentTask({ task: 'look around', browser, model, host: recordingAgentHost(), maxSteps: 10, signal: new AbortController().signal, stepFrames: frames, ...extra });

describe('step frames in the agent loop', () => {
  it('keeps one picture per step, of the size asked, taken before that step acts', async () => {
    const pool = new FakeBrowserPool();
    const browser = await browserAt(pool, 'http://shop.test/');
    const frames = recordingFrames();
    const outcome = await run(browser, threeStepModel(), frames);
    expect(outcome.kind).toBe('done');
    expect(frames.kept.map((f) => [f.taskStep, f.url, f.jpeg.length > 0])).toEqual([
      [1, 'http://shop.test/', true],
      [2, 'http://shop.test/', true],
      [3, 'http://shop.test/', true],
    ]);
    const order = pool.calls.filter((c) => c.method === 'observe' || c.method === 'screenshot' || c.method === 'act').map((c) => (c.method === 'screenshot' ? `screenshot ${JSON.stringify(c.arg)}` : c.method));
    const shot = `screenshot ${JSON.stringify(SIZE)}`;
    expect(order).toEqual(['observe', shot, 'act', 'observe', shot, 'act', 'observe', shot]);
  });

  it('takes the picture while the model decides: the model is asked before the picture is done', async () => {
    const pool = new FakeBrowserPool();
    const browser = await browserAt(pool, 'http://shop.test/');
    // The picture of a step is ready only once the model has been asked for that step's decision;
    // a loop that waited for the picture before asking would never get there.
    const asked = new Set<number>();
    let wake: (() => void) | undefined;
    const screenshot = browser.screenshot.bind(browser);
    let step = 0;
    browser.screenshot = async (options) => {
      const mine = ++step;
      if (!asked.has(mine)) await new Promise<void>((resolve) => (wake = resolve));
      return screenshot(options);
    };
    const frames = recordingFrames();
    const outcome = await run(
      browser,
      threeStepModel((n) => {
        asked.add(n);
        wake?.();
      }),
      frames,
    );
    expect(outcome.kind).toBe('done');
    expect(frames.kept.map((f) => f.taskStep)).toEqual([1, 2, 3]);
  });

  it('a picture that cannot be taken is reported as missed, and the step goes on', async () => {
    const pool = new FakeBrowserPool();
    const browser = await browserAt(pool, 'http://shop.test/');
    browser.screenshot = async () => {
      throw new ScreenshotError('Screenshot failed: the page did not paint', false);
    };
    const frames = recordingFrames();
    const outcome = await run(browser, threeStepModel(), frames);
    expect(outcome.kind).toBe('done');
    expect(frames.kept).toEqual([]);
    expect(frames.missing).toEqual([1, 2, 3]);
  });

  it('gives up on a picture that never comes, so a hung screenshot cannot hold the step', async () => {
    const pool = new FakeBrowserPool();
    const browser = await browserAt(pool, 'http://shop.test/');
    browser.screenshot = () => new Promise(() => undefined);
    const frames = recordingFrames();
    await captureStepFrame(browser, frames, 4, (text) => text, new AbortController().signal, 50);
    expect(frames.kept).toEqual([]);
    expect(frames.missing).toEqual([4]);
  });

  it('takes none while a dialog is open (the page paints nothing then)', async () => {
    const withDialog = (session: FakeSessionBrowser): Observation => ({ ...emptyObservation({ url: session.url, title: '' }), dialog: { type: 'confirm', message: 'Sure?', open: true } });
    const pool = new FakeBrowserPool({ observation: withDialog });
    const browser = await browserAt(pool, 'http://shop.test/');
    const frames = recordingFrames();
    await run(browser, threeStepModel(), frames);
    expect(frames.kept).toEqual([]);
    expect(pool.callsOf('screenshot')).toEqual([]);
  });

  it('hides the session’s secrets in the URL and title it keeps', async () => {
    const pool = new FakeBrowserPool();
    const browser = await browserAt(pool, 'http://shop.test/login?password=Hunter2-secret-value');
    const frames = recordingFrames();
    await run(browser, threeStepModel(), frames, { secrets: { names: ['PASSWORD'], values: ['Hunter2-secret-value'] } });
    expect(frames.kept).toHaveLength(3);
    for (const frame of frames.kept) {
      expect(frame.url).not.toContain('Hunter2-secret-value');
      expect(frame.title).not.toContain('Hunter2-secret-value');
    }
  });

  it('without a keeper takes no picture at all', async () => {
    const pool = new FakeBrowserPool();
    const browser = await browserAt(pool, 'http://shop.test/');
    await runAgentTask({ task: 'look around', browser, model: threeStepModel(), host: recordingAgentHost(), maxSteps: 10, signal: new AbortController().signal });
    expect(pool.callsOf('screenshot')).toEqual([]);
  });
});
