import type { Message } from '@steward/client';
import { describe, expect, it } from 'vitest';
import { usageText } from '../src/format.ts';
import { mergeMessages, openQuestion, stepKey, stepsOf } from '../src/timeline.ts';

let at = 0;
const message = (id: number, type: Message['type'], content: Message['content'], metadata: Record<string, unknown> = {}): Message => ({
  id,
  type,
  content,
  metadata,
  timestamp: new Date(Date.UTC(2026, 11, 4, 12, 0, at++)).toISOString(),
});

describe('the timeline model', () => {
  it('adds messages in id order and never one twice (a reconnection may deliver one again)', () => {
    const first = mergeMessages([], [message(2, 'THOUGHT', 'b', { step: 1 }), message(1, 'USER', 'a')]);
    expect(first.map((item) => item.id)).toEqual([1, 2]);
    const again = mergeMessages(first, [message(2, 'THOUGHT', 'b', { step: 1 }), message(3, 'DONE', { ok: true })]);
    expect(again.map((item) => [item.id, item.kind])).toEqual([[1, 'user'], [2, 'thought'], [3, 'done']]);
    expect(mergeMessages(again, [message(3, 'DONE', { ok: true })])).toBe(again);
  });

  it('reads steps, approvals and failure codes from the metadata', () => {
    const items = mergeMessages([], [
      message(1, 'LOG', "Clicked button 'Buy'", { kind: 'step', step: 2, action: { tool: 'click', args: { index: 4 } }, ok: false, url: 'http://shop.test/' }),
      message(2, 'QUESTION', 'Pay $12?', { kind: 'approval', choices: ['approve', 'deny'] }),
      message(3, 'ERROR', 'No model', { code: 'no_model' }),
      message(4, 'LOG', 'a note'),
      message(5, 'THOUGHT', 'Looking', { step: 3, usage: { inputTokens: 1000, outputTokens: 100, costUsd: 0.0012 } }),
    ]);
    expect(items[0]).toMatchObject({ kind: 'step', tool: 'click', ok: false, step: 2, url: 'http://shop.test/' });
    expect(items[1]).toMatchObject({ kind: 'question', approval: true, choices: ['approve', 'deny'] });
    expect(items[2]).toMatchObject({ kind: 'error', code: 'no_model' });
    expect(items[3]).toMatchObject({ kind: 'log', text: 'a note' });
    expect(items[4]).toMatchObject({ kind: 'thought', step: 3, usage: { inputTokens: 1000, outputTokens: 100, costUsd: 0.0012 } });
    expect(usageText((items[4] as { usage: unknown }).usage)).toBe('1,100 tokens (1,000 in, 100 out) · $0.0012');
  });

  it('knows the open question only while the task waits, and only the newest', () => {
    const asked = mergeMessages([], [message(1, 'USER', 'task'), message(2, 'QUESTION', 'Which?', { choices: ['A', 'B'] })]);
    expect(openQuestion(asked, true)).toMatchObject({ id: 2, choices: ['A', 'B'] });
    expect(openQuestion(asked, false)).toBeUndefined();
    expect(openQuestion(mergeMessages(asked, [message(3, 'USER', 'A')]), true)).toBeUndefined();
  });

  it('keys each step by the task it belongs to, as the replay names its pictures', () => {
    const items = mergeMessages([], [
      message(1, 'USER', 'first task'),
      message(2, 'THOUGHT', 'one', { step: 1 }),
      message(3, 'QUESTION', 'Sure?'),
      message(4, 'USER', 'yes'),
      message(5, 'THOUGHT', 'two', { step: 2 }),
      message(6, 'DONE', 'ok'),
      message(7, 'USER', 'second task'),
      message(8, 'THOUGHT', 'again one', { step: 1 }),
      message(9, 'LOG', 'Scrolled down', { kind: 'step', step: 1, action: { tool: 'scroll', args: {} }, ok: true }),
    ]);
    const steps = stepsOf(items);
    expect(steps.get(stepKey(1, 1))?.thought).toBe('one');
    // The answer "yes" continues the first task: its step 2 is still task 1's.
    expect(steps.get(stepKey(1, 2))?.thought).toBe('two');
    expect(steps.get(stepKey(7, 1))).toMatchObject({ thought: 'again one', actions: [{ tool: 'scroll' }] });
  });
});
