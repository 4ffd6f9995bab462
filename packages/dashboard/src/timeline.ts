import type { Message } from '@steward/client';
import { contentText } from './format.ts';

/** One row of a session's timeline, from one visible message. */
export type TimelineItem =
  | { kind: 'thought'; id: number; at: string; text: string; step?: number; usage?: unknown }
  | { kind: 'step'; id: number; at: string; text: string; step?: number; tool: string; args: Record<string, unknown>; ok: boolean; url?: string }
  | { kind: 'question'; id: number; at: string; text: string; choices: string[]; approval: boolean }
  | { kind: 'user'; id: number; at: string; text: string }
  | { kind: 'done'; id: number; at: string; result: unknown; metadata: Record<string, unknown> }
  | { kind: 'error'; id: number; at: string; text: string; code?: string }
  | { kind: 'log'; id: number; at: string; text: string };

/** The wire message as a timeline row. */
export function timelineItem(message: Message): TimelineItem {
  const { id, timestamp: at, metadata } = message;
  const text = contentText(message.content);
  const step = typeof metadata['step'] === 'number' ? metadata['step'] : undefined;
  const withStep = step === undefined ? {} : { step };
  switch (message.type) {
    case 'THOUGHT':
      return { kind: 'thought', id, at, text, ...withStep, ...(metadata['usage'] === undefined ? {} : { usage: metadata['usage'] }) };
    case 'QUESTION': {
      const choices = Array.isArray(metadata['choices']) ? metadata['choices'].filter((c): c is string => typeof c === 'string') : [];
      return { kind: 'question', id, at, text, choices, approval: metadata['kind'] === 'approval' };
    }
    case 'USER':
      return { kind: 'user', id, at, text };
    case 'DONE':
      return { kind: 'done', id, at, result: message.content, metadata };
    case 'ERROR': {
      const code = typeof metadata['code'] === 'string' ? metadata['code'] : undefined;
      return { kind: 'error', id, at, text, ...(code === undefined ? {} : { code }) };
    }
    case 'LOG': {
      const action = metadata['action'] as { tool?: unknown; args?: unknown } | undefined;
      if (metadata['kind'] === 'step' && typeof action?.tool === 'string') {
        const url = typeof metadata['url'] === 'string' ? metadata['url'] : undefined;
        const args = typeof action.args === 'object' && action.args !== null ? (action.args as Record<string, unknown>) : {};
        return { kind: 'step', id, at, text, ...withStep, tool: action.tool, args, ok: metadata['ok'] !== false, ...(url === undefined ? {} : { url }) };
      }
      return { kind: 'log', id, at, text };
    }
  }
}

/** `items` with `messages` added in id order, none twice (a reconnection may deliver one again). */
export function mergeMessages(items: TimelineItem[], messages: Message[]): TimelineItem[] {
  const last = items.at(-1)?.id ?? 0;
  const fresh = messages.filter((m) => m.id > last).sort((a, b) => a.id - b.id);
  return fresh.length === 0 ? items : [...items, ...fresh.map(timelineItem)];
}

/** The question waiting for an answer: the newest item, when it is one. */
export function openQuestion(items: TimelineItem[], waiting: boolean): Extract<TimelineItem, { kind: 'question' }> | undefined {
  if (!waiting) return undefined;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.kind === 'question') return item;
    if (item.kind === 'user' || item.kind === 'done' || item.kind === 'error') return undefined;
  }
  return undefined;
}

type StepAction = Extract<TimelineItem, { kind: 'step' }>;

/**
 * The thought and actions of each step, keyed `taskId:step` as the replay names its pictures:
 * step numbers start again with every task, and a task is named by the USER message that started
 * it (the first one, or one after the previous task's DONE or ERROR; others answer or update).
 */
export function stepsOf(items: TimelineItem[]): Map<string, { thought?: string; actions: StepAction[] }> {
  const steps = new Map<string, { thought?: string; actions: StepAction[] }>();
  let taskId: number | undefined;
  let taskOpen = false;
  for (const item of items) {
    if (item.kind === 'user' && !taskOpen) {
      taskId = item.id;
      taskOpen = true;
    }
    if (item.kind === 'done' || item.kind === 'error') taskOpen = false;
    if ((item.kind !== 'thought' && item.kind !== 'step') || item.step === undefined || taskId === undefined) continue;
    const key = stepKey(taskId, item.step);
    const entry = steps.get(key) ?? { actions: [] };
    if (item.kind === 'thought') entry.thought = item.text;
    else entry.actions.push(item);
    steps.set(key, entry);
  }
  return steps;
}

export const stepKey = (taskId: number, step: number): string => `${taskId}:${step}`;
