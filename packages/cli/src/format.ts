import type { ChalkInstance } from 'chalk';
import type { Message, SessionEvent } from '@steward/client';

/** A thought or page text can be huge (a model may dump a page); a terminal line need not be. */
const MAX_TEXT = 2_000;

export function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A message's content as text: strings as they are, JSON otherwise. */
export function contentText(content: unknown): string {
  return typeof content === 'string' ? content : JSON.stringify(content);
}

type Painter = (text: string) => string;
const LABELS: Record<string, (c: ChalkInstance) => Painter> = {
  thought: (c) => c.cyan,
  step: (c) => c.blue,
  question: (c) => c.yellow,
  user: (c) => c.magenta,
  done: (c) => c.green,
  error: (c) => c.red,
  log: (c) => c.gray,
  paused: (c) => c.yellow,
  resumed: (c) => c.yellow,
};

/** `label  text`, the label padded so texts line up; colour only where the stream supports it. */
export function labelled(c: ChalkInstance, label: string, text: string): string {
  const paint = LABELS[label]?.(c) ?? ((t: string) => t);
  return `${paint(label.padEnd(8))} ${text}`;
}

/** One line for an SSE event, or undefined for those a reader need not see (heartbeats). */
export function eventLine(c: ChalkInstance, event: SessionEvent): string | undefined {
  switch (event.event) {
    case 'heartbeat':
      return undefined;
    case 'paused':
    case 'resumed':
      return labelled(c, event.event, event.data.timestamp);
    case 'error':
      return labelled(c, 'error', clip(event.data.error));
    case 'done':
      return labelled(c, 'done', clip(contentText(event.data.result)));
    default:
      return labelled(c, event.event, clip(event.data.text));
  }
}

/** One line for a stored message: `#id time TYPE content`. */
export function messageLine(c: ChalkInstance, message: Message): string {
  const time = message.timestamp.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  return `${c.dim(`#${message.id}`)} ${c.dim(time)} ${labelled(c, message.type.toLowerCase(), clip(contentText(message.content)))}`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
