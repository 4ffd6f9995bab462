import { createHash } from 'node:crypto';
import type { Observation } from '../browser/port.ts';
import type { ToolCall } from '../llm/port.ts';
import { formatObservation } from './observation-format.ts';

/**
 * Tells a loop from honest repetition. The same action on a page that looks the same as the last
 * time it was taken is a loop; the same action that changed the page since is progress (paging a
 * calendar back eleven months, nudging a slider, "next" through a list). "Looks the same" is the
 * observation as the model reads it (URL, elements with their values, text, scroll position), so
 * what the guard judges is what the model could have noticed.
 */
export class RepeatGuard {
  private readonly seen = new Map<string, number>();

  /** How many times this action has now been taken on this same page state (1 the first time). */
  note(observation: Observation, action: ToolCall): number {
    const page = createHash('sha256').update(formatObservation(observation)).digest('base64url');
    const key = `${page}|${action.tool}|${JSON.stringify(action.args ?? {})}`;
    const times = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, times);
    return times;
  }
}
